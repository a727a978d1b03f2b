import { RequestedCertificate } from '../types';
import { approvable, caCertificateReasons } from './approvable';

const leaf: RequestedCertificate = {
  commonName: 'api.shop.example.com',
  dnsNames: ['api.shop.example.com'],
  ipAddresses: [],
  uris: [],
  emails: [],
  isCA: false,
  keyUsages: ['digital signature', 'key encipherment'],
  extendedKeyUsages: ['server auth'],
  csrExtensions: [],
};

const nameConstraints = {
  oid: '2.5.29.30',
  name: 'nameConstraints',
  critical: true,
  value: 'permitted: .example.com',
};

describe('caCertificateReasons', () => {
  it('finds nothing in a server certificate', () => {
    expect(caCertificateReasons(leaf)).toEqual([]);
  });

  it.each([
    [{ isCA: true }, 'it is a CA certificate (isCA / basicConstraints CA:TRUE)'],
    [{ keyUsages: ['digital signature', 'cert sign'] }, 'its key usages include cert sign'],
    [{ keyUsages: ['crl sign'] }, 'its key usages include crl sign'],
    [{ csrExtensions: [nameConstraints] }, 'its CSR asks for name constraints'],
  ])('names each sign of a CA certificate: %p', (change, reason) => {
    expect(caCertificateReasons({ ...leaf, ...change })).toEqual([reason]);
  });
});

describe('approvable', () => {
  const issuer = 'ClusterIssuer/corp-ca';

  it('lets a server certificate be approved', () => {
    expect(approvable({ requested: leaf, issuer })).toEqual({ approvable: true });
  });

  it('refuses a CA certificate unless the policy names its issuer in caIssuers', () => {
    const ca = { ...leaf, isCA: true, keyUsages: ['cert sign', 'crl sign'] };
    expect(approvable({ requested: ca, issuer, policy: { name: 'in-cluster' } })).toEqual({
      approvable: false,
      refusal: 'ca-certificate',
      reason:
        'It asks for a CA certificate (it is a CA certificate (isCA / basicConstraints CA:TRUE); its key usages include cert sign; its key usages include crl sign), and policy in-cluster allows no CA certificates from ClusterIssuer/corp-ca (caIssuers).',
    });
    expect(approvable({ requested: ca, issuer })).toMatchObject({
      approvable: false,
      reason: expect.stringContaining('no policy allows'),
    });
    expect(
      approvable({ requested: ca, issuer, policy: { name: 'pki', caIssuers: ['ClusterIssuer/other'] } })
        .approvable,
    ).toBe(false);
    expect(
      approvable({ requested: ca, issuer, policy: { name: 'pki', caIssuers: [issuer] } }),
    ).toEqual({ approvable: true });
  });

  it('refuses a request whose CSR cannot be read, whatever the policy allows', () => {
    const unread = { ...leaf, csrError: 'not a PKCS#10 request' };
    expect(
      approvable({ requested: unread, issuer, policy: { name: 'pki', caIssuers: [issuer] } }),
    ).toMatchObject({
      approvable: false,
      refusal: 'unreadable-csr',
      reason: expect.stringContaining('not a PKCS#10 request'),
    });
  });
});
