import { CertificateRequest } from '../types';
import { certificateActions } from './certificateActions';
import { requestLinkVerdict } from './requestLink';

const FP = 'ab'.repeat(32);

const delivered = {
  requestId: 'r1',
  delivery: {
    kind: 'secret' as const,
    cluster: 'prod',
    namespace: 'payments',
    secretName: 'payments-tls',
  },
  leafFingerprintSha256: FP,
};

const atTarget = {
  cluster: 'prod',
  namespace: 'payments',
  secretName: 'payments-tls',
  fingerprintSha256: FP,
};

describe('requestLinkVerdict', () => {
  it('links the certificate a Secret delivery issued, at its target', () => {
    expect(requestLinkVerdict(atTarget, delivered)).toEqual({ linked: true });
    // Fingerprints compare as hex, whatever the case.
    expect(
      requestLinkVerdict(
        { ...atTarget, fingerprintSha256: FP.toUpperCase() },
        delivered,
      ),
    ).toEqual({ linked: true });
    expect(
      requestLinkVerdict(atTarget, {
        ...delivered,
        delivery: { ...delivered.delivery, kind: 'cert-manager' },
      }),
    ).toEqual({ linked: true });
  });

  it('does not link another certificate at the target, nor one without a fingerprint', () => {
    for (const fingerprintSha256 of ['cd'.repeat(32), undefined, '']) {
      expect(
        requestLinkVerdict({ ...atTarget, fingerprintSha256 }, delivered),
      ).toEqual({
        linked: false,
        reason: 'It is not the certificate request r1 issued.',
      });
    }
    expect(
      requestLinkVerdict(atTarget, {
        ...delivered,
        leafFingerprintSha256: undefined,
      }).linked,
    ).toBe(false);
  });

  it.each([
    ['another namespace', { namespace: 'storefront' }],
    ['another Secret', { secretName: 'copy-tls' }],
    ['another cluster', { cluster: 'staging' }],
  ])(
    'does not link a copy of a delivered certificate in %s',
    (_, elsewhere) => {
      for (const kind of ['secret', 'cert-manager'] as const) {
        expect(
          requestLinkVerdict(
            { ...atTarget, ...elsewhere },
            { ...delivered, delivery: { ...delivered.delivery, kind } },
          ),
        ).toEqual({
          linked: false,
          reason:
            'It is a copy: request r1 delivered its certificate to Secret payments/payments-tls in cluster prod.',
        });
      }
    },
  );

  it('links a CSR certificate wherever its requester deployed it', () => {
    expect(
      requestLinkVerdict(
        { ...atTarget, namespace: 'anywhere', secretName: 'x' },
        { ...delivered, delivery: { kind: 'csr' } },
      ),
    ).toEqual({ linked: true });
    expect(
      requestLinkVerdict(
        { ...atTarget, fingerprintSha256: 'cd'.repeat(32) },
        { ...delivered, delivery: { kind: 'csr' } },
      ).linked,
    ).toBe(false);
  });
});

describe('a request id a label claims', () => {
  it('allows neither renewal nor revocation, and says why', () => {
    const actions = certificateActions({
      claimedRequestId: 'r1',
      issuerCanRevoke: false,
    });
    const reason =
      "Its Secret is labelled with request r1, but it does not hold the certificate that request issued at its delivery target: a label does not make it the portal's.";
    expect(actions).toEqual({
      renew: { allowed: false, reason },
      revoke: { allowed: false, reason },
    });
  });

  it('changes nothing when the certificate proves its request, or cert-manager manages it', () => {
    const request = {
      id: 'r1',
      state: 'issued',
      issuer: 'builtin',
      serialNumber: '0A',
    } as CertificateRequest;
    expect(
      certificateActions({
        request,
        claimedRequestId: 'r9',
        issuerCanRevoke: true,
      }),
    ).toEqual({ renew: { allowed: true }, revoke: { allowed: true } });
    const managed = certificateActions({
      claimedRequestId: 'r1',
      certManager: { namespace: 'shop', name: 'web', issuing: false },
      issuerCanRevoke: false,
    });
    expect(managed.renew).toEqual({ allowed: true });
    expect(managed.revoke.allowed).toBe(false);
  });
});
