import { RequestedCertificate } from '../types';
import { requestedCertificateOf } from './requestedCertificate';

const portal = {
  commonName: 'pay.example.com',
  dnsNames: ['pay.example.com'],
  ipAddresses: ['10.0.0.7'],
  uris: ['spiffe://example.com/pay'],
  keyAlgorithm: 'RSA-3072' as const,
  validityDays: 30,
  clientAuth: true,
  delivery: { kind: 'csr' as const },
};

describe('requestedCertificateOf', () => {
  it('says what a portal request will put in its certificate', () => {
    expect(requestedCertificateOf(portal)).toEqual({
      commonName: 'pay.example.com',
      dnsNames: ['pay.example.com'],
      ipAddresses: ['10.0.0.7'],
      uris: ['spiffe://example.com/pay'],
      emails: [],
      isCA: false,
      keyUsages: ['digital signature', 'key encipherment'],
      extendedKeyUsages: ['server auth', 'client auth'],
      duration: '720h',
      durationHours: 720,
      key: { algorithm: 'RSA', size: 3072 },
      csrExtensions: [],
    });
    expect(
      requestedCertificateOf({
        ...portal,
        keyAlgorithm: 'ECDSA-P256',
        clientAuth: false,
        ipAddresses: undefined,
        uris: undefined,
      }),
    ).toMatchObject({
      ipAddresses: [],
      uris: [],
      keyUsages: ['digital signature'],
      extendedKeyUsages: ['server auth'],
      key: { algorithm: 'EC', curve: 'P-256' },
    });
  });

  it('takes what an in-cluster request carries as it is', () => {
    const requested: RequestedCertificate = {
      dnsNames: [],
      ipAddresses: [],
      uris: [],
      emails: ['ops@example.com'],
      isCA: true,
      keyUsages: ['cert sign'],
      extendedKeyUsages: [],
      duration: '87600h',
      durationHours: 87600,
      csrExtensions: [],
    };
    expect(requestedCertificateOf({ ...portal, requested })).toBe(requested);
  });
});
