import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { durationHours, readRequestedCertificate } from './requestedCertificate';

jest.setTimeout(30_000);

const crypto = webcrypto as Crypto;
/** NameConstraints permitting dNSName example.com. */
const NAME_CONSTRAINTS = Buffer.from('3011a00f300d820b6578616d706c652e636f6d', 'hex');

async function csrOf(
  options: { rsa?: boolean; extensions?: x509.Extension[]; name?: string } = {},
): Promise<x509.Pkcs10CertificateRequest> {
  const alg = options.rsa
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
  const keys = (await crypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
  return x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: options.name ?? 'CN=Shop Root CA, O=Shop',
      keys,
      signingAlgorithm: alg,
      extensions: options.extensions ?? [],
    },
    crypto,
  );
}

const b64 = (csr: x509.Pkcs10CertificateRequest) => Buffer.from(csr.toString('pem')).toString('base64');

describe('readRequestedCertificate', () => {
  it('reads every name type, the key, the usages and every extension of the CSR', async () => {
    const csr = await csrOf({
      rsa: true,
      name: 'CN=api.shop.example.com, O=Shop',
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'api.shop.example.com' },
          { type: 'ip', value: '10.0.0.7' },
          { type: 'url', value: 'spiffe://shop/api' },
          { type: 'email', value: 'ops@shop.example.com' },
        ]),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '1.2.3.4']),
      ],
    });
    const requested = await readRequestedCertificate({ request: b64(csr), duration: '2160h' });
    expect(requested).toMatchObject({
      subject: 'CN=api.shop.example.com, O=Shop',
      commonName: 'api.shop.example.com',
      dnsNames: ['api.shop.example.com'],
      ipAddresses: ['10.0.0.7'],
      uris: ['spiffe://shop/api'],
      emails: ['ops@shop.example.com'],
      isCA: false,
      keyUsages: ['digital signature', 'key encipherment'],
      extendedKeyUsages: ['server auth', 'client auth', '1.2.3.4'],
      duration: '2160h',
      durationHours: 2160,
      key: { algorithm: 'RSA', size: 2048 },
    });
    expect(requested.csrError).toBeUndefined();
    expect(requested.csrExtensions.map(e => [e.name, e.critical, e.value])).toEqual([
      [
        'subjectAltName',
        false,
        'dns:api.shop.example.com, ip:10.0.0.7, url:spiffe://shop/api, email:ops@shop.example.com',
      ],
      ['keyUsage', true, 'digital signature, key encipherment'],
      ['extKeyUsage', false, 'server auth, client auth, 1.2.3.4'],
    ]);
  });

  it('shows a CA request from the spec and from the CSR, whichever asks', async () => {
    const plain = await csrOf();
    const fromSpec = await readRequestedCertificate({
      request: b64(plain),
      isCA: true,
      usages: ['cert sign', 'crl sign'],
      duration: '87600h',
    });
    expect(fromSpec).toMatchObject({
      isCA: true,
      keyUsages: ['cert sign', 'crl sign'],
      extendedKeyUsages: [],
      durationHours: 87600,
      key: { algorithm: 'EC', curve: 'P-384' },
    });

    const fromCsr = await readRequestedCertificate({
      request: b64(
        await csrOf({
          extensions: [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
            new x509.Extension('2.5.29.30', true, NAME_CONSTRAINTS),
          ],
        }),
      ),
    });
    expect(fromCsr).toMatchObject({
      isCA: true,
      // cert-manager's defaults for a spec without usages, and what the CSR asks.
      keyUsages: ['digital signature', 'key encipherment', 'cert sign', 'crl sign'],
    });
    expect(fromCsr.csrExtensions).toEqual([
      { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: 'CA:TRUE, path length 0' },
      { oid: '2.5.29.15', name: 'keyUsage', critical: true, value: 'cert sign, crl sign' },
      { oid: '2.5.29.30', name: 'nameConstraints', critical: true, value: NAME_CONSTRAINTS.toString('hex') },
    ]);
  });

  it('says why a CSR cannot be read, and still shows the spec', async () => {
    const csr = await csrOf({ name: 'CN=tampered.example.com' });
    const der = Buffer.from(csr.rawData);
    // Flip a byte of the signature: the CSR parses but does not verify.
    der[der.length - 5] ^= 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'spec.request is empty'],
      [Buffer.from('not a csr').toString('base64'), 'not a valid PKCS#10 certificate request'],
      [Buffer.from(tampered).toString('base64'), 'the CSR signature does not verify'],
      ['A'.repeat(70_000), 'spec.request is longer than 65536 characters'],
    ];
    for (const [request, csrError] of cases) {
      const requested = await readRequestedCertificate({ request, isCA: true, duration: '1h30m' });
      expect({ request: request?.slice(0, 20), ...requested }).toMatchObject({
        csrError,
        isCA: true,
        durationHours: 1.5,
        dnsNames: [],
      });
    }
  });
});

describe('durationHours', () => {
  it.each([
    ['2160h', 2160],
    ['2160h0m0s', 2160],
    ['90m', 1.5],
    ['3600s', 1],
    ['1.5h', 1.5],
    ['10 years', undefined],
    ['', undefined],
    ['5h garbage', undefined],
  ])('%p is %p hours', (text, hours) => {
    expect(durationHours(text)).toBe(hours);
  });
});
