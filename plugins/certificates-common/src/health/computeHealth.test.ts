import { ParsedCertificate } from '../types';
import { computeHealth, computeStatus } from './computeHealth';

const now = '2026-11-28T12:00:00.000Z';
const day = 24 * 60 * 60 * 1000;
const at = (days: number) =>
  new Date(Date.parse(now) + days * day).toISOString();

function cert(overrides: Partial<ParsedCertificate> = {}): ParsedCertificate {
  return {
    subject: 'CN=app.example.com',
    commonName: 'app.example.com',
    issuer: 'CN=Example Issuing CA, O=Example',
    serialNumber: '01',
    notBefore: at(-10),
    notAfter: at(80),
    dnsNames: ['app.example.com'],
    ipAddresses: [],
    uris: [],
    emails: [],
    keyAlgorithm: 'EC',
    curve: 'P-256',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: 'ab',
    isCA: false,
    selfSigned: false,
    ...overrides,
  };
}

const kinds = (
  c: ParsedCertificate | undefined,
  ctx: Partial<Parameters<typeof computeHealth>[1]> = {},
) =>
  computeHealth(c, {
    now,
    owned: true,
    chainTrusted: true,
    ...ctx,
  }).findings.map(f => f.kind);

describe('computeStatus', () => {
  it.each([
    [at(-20), at(-1), 'expired'],
    [at(-20), at(0), 'expired'],
    [at(2), at(90), 'not-yet-valid'],
    [at(-20), at(7), 'critical'],
    [at(-20), at(1), 'critical'],
    [at(-20), at(7.5), 'expiring'],
    [at(-20), at(30), 'expiring'],
    [at(-20), at(31), 'valid'],
  ])('notBefore %s notAfter %s → %s', (notBefore, notAfter, status) => {
    expect(computeStatus({ notBefore, notAfter }, now)).toBe(status);
  });

  it('expired wins over not-yet-valid (first match)', () => {
    expect(computeStatus({ notBefore: at(5), notAfter: at(-1) }, now)).toBe(
      'expired',
    );
  });

  it('honours custom thresholds and unparseable data', () => {
    expect(
      computeStatus({ notBefore: at(-1), notAfter: at(40) }, now, {
        warningDays: 60,
      }),
    ).toBe('expiring');
    expect(computeStatus(undefined, now)).toBe('unparseable');
    expect(computeStatus({ notBefore: 'x', notAfter: 'y' }, now)).toBe(
      'unparseable',
    );
  });
});

describe('computeHealth findings', () => {
  it('a healthy certificate has no findings', () => {
    const verdict = computeHealth(cert(), {
      now: new Date(now),
      owned: true,
      chainTrusted: true,
    });
    expect(verdict).toEqual({ status: 'valid', findings: [] });
  });

  it('weak keys', () => {
    expect(
      kinds(cert({ keyAlgorithm: 'RSA', keySize: 1024, curve: undefined })),
    ).toEqual(['weak-key']);
    expect(
      kinds(cert({ keyAlgorithm: 'RSA', keySize: 2048, curve: undefined })),
    ).toEqual([]);
    expect(kinds(cert({ curve: 'secp256k1' }))).toEqual(['weak-key']);
    expect(kinds(cert({ curve: 'P-384' }))).toEqual([]);
    expect(kinds(cert({ keyAlgorithm: 'DSA', keySize: 2048 }))).toEqual([
      'weak-key',
      'unsupported-algorithm',
    ]);
    expect(kinds(cert({ keyAlgorithm: 'Ed25519', curve: undefined }))).toEqual(
      [],
    );
  });

  it('weak signatures', () => {
    expect(
      kinds(cert({ signatureAlgorithm: 'sha1WithRSAEncryption' })),
    ).toEqual(['weak-signature']);
    expect(kinds(cert({ signatureAlgorithm: 'md5WithRSAEncryption' }))).toEqual(
      ['weak-signature'],
    );
    expect(kinds(cert({ signatureAlgorithm: 'ecdsa-with-SHA1' }))).toEqual([
      'weak-signature',
    ]);
    expect(
      kinds(cert({ signatureAlgorithm: 'sha256WithRSAEncryption' })),
    ).toEqual([]);
    expect(kinds(cert({ signatureAlgorithm: 'ecdsa-with-SHA384' }))).toEqual(
      [],
    );
  });

  it('self-signed, untrusted, unapproved issuer', () => {
    expect(kinds(cert({ selfSigned: true }), { chainTrusted: false })).toEqual([
      'self-signed',
      'untrusted-chain',
    ]);
    expect(kinds(cert(), { chainTrusted: undefined })).toEqual([]);
    expect(kinds(cert(), { approvedIssuers: ['Example Issuing CA'] })).toEqual(
      [],
    );
    expect(
      kinds(cert(), { approvedIssuers: ['CN=Example Issuing CA, O=Example'] }),
    ).toEqual([]);
    expect(kinds(cert(), { approvedIssuers: ['Other CA'] })).toEqual([
      'unapproved-issuer',
    ]);
    expect(kinds(cert(), { approvedIssuers: [] })).toEqual([]);
  });

  it('validity, SANs, key mismatch, ownership, CA', () => {
    expect(kinds(cert({ notBefore: at(-10), notAfter: at(388) }))).toEqual([]);
    expect(kinds(cert({ notBefore: at(-10), notAfter: at(389) }))).toEqual([
      'validity-too-long',
    ]);
    expect(kinds(cert({ dnsNames: [] }))).toEqual(['no-san']);
    expect(kinds(cert({ dnsNames: [], ipAddresses: ['10.0.0.1'] }))).toEqual(
      [],
    );
    expect(kinds(cert(), { keyMatches: false })).toEqual(['key-mismatch']);
    expect(kinds(cert(), { keyMatches: true })).toEqual([]);
    expect(kinds(cert(), { owned: false })).toEqual(['unowned']);
    expect(kinds(cert({ isCA: true }))).toEqual(['is-ca']);
  });

  it('tells how to own an unowned certificate where it was found', () => {
    const remedy = (location?: 'cluster' | 'endpoint') =>
      computeHealth(cert(), { now, owned: false, chainTrusted: true, location })
        .findings[0].remedy;
    expect(remedy()).toMatch(/Label the Secret/);
    expect(remedy('cluster')).toMatch(/Label the Secret/);
    expect(remedy('endpoint')).toMatch(
      /kubecerts\.dev\/tls-endpoints annotation of the entity that serves it/,
    );
  });

  it('every finding carries a message and a remedy', () => {
    const verdict = computeHealth(
      cert({
        keyAlgorithm: 'RSA',
        keySize: 1024,
        signatureAlgorithm: 'sha1WithRSAEncryption',
        selfSigned: true,
        isCA: true,
        dnsNames: [],
        notAfter: at(900),
      }),
      {
        now,
        owned: false,
        chainTrusted: false,
        keyMatches: false,
        approvedIssuers: ['x'],
      },
    );
    expect(verdict.findings).toHaveLength(10);
    for (const f of verdict.findings) {
      expect(f.message).toMatch(/\.$/);
      expect(f.remedy).toMatch(/\.$/);
    }
  });

  it('unparseable data still reports key mismatch and ownership', () => {
    expect(
      computeHealth(undefined, { now, owned: false, keyMatches: false }),
    ).toEqual({
      status: 'unparseable',
      findings: [
        expect.objectContaining({ kind: 'key-mismatch' }),
        expect.objectContaining({ kind: 'unowned' }),
      ],
    });
  });
});

describe('computeHealth chain trust', () => {
  it('judges the chain at now and names the certificate that broke it', () => {
    const chainTrust = {
      paths: [[{ name: 'Issuing CA', notBefore: at(-100), notAfter: at(20) }]],
    };
    const untrusted = (days: number) =>
      computeHealth(cert(), { now: at(days), owned: true, chainTrust })
        .findings;
    expect(untrusted(0)).toEqual([]);
    expect(untrusted(30)).toEqual([
      expect.objectContaining({
        kind: 'untrusted-chain',
        message: `The chain is not trusted: 'Issuing CA' expired on ${at(
          20,
        ).slice(0, 10)}.`,
      }),
    ]);
    expect(
      computeHealth(cert(), {
        now,
        owned: true,
        chainTrust: {
          paths: [],
          failure:
            "signed by 'Example Leaf' which is not a CA (basicConstraints CA:FALSE)",
        },
      }).findings[0].message,
    ).toBe(
      "The chain is not trusted: signed by 'Example Leaf' which is not a CA (basicConstraints CA:FALSE).",
    );
  });
});
