import { verify } from 'node:crypto';
import { x509 } from './x509';
import { basicConstraintsCa, parseCsrDer, subjectAltNames } from './csrDer';

const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

async function make(
  algorithm: typeof P256 | typeof RSA,
  name: string,
  extensions: InstanceType<typeof x509.Extension>[],
) {
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  return x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
    extensions,
  });
}

describe('parseCsrDer', () => {
  it.each([
    ['ECDSA P-256', P256],
    ['RSA 2048', RSA],
  ])('reads what @peculiar/x509 reads, %s', async (_label, algorithm) => {
    const csr = await make(algorithm, 'CN=payments.example.com, O=Example', [
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'payments.example.com' },
        { type: 'ip', value: '10.0.0.1' },
        { type: 'ip', value: '2001:db8::1' },
        { type: 'url', value: 'spiffe://example.com/payments' },
        { type: 'email', value: 'ops@example.com' },
      ]),
      new x509.BasicConstraintsExtension(false, undefined, true),
    ]);
    const parsed = parseCsrDer(Buffer.from(csr.rawData));
    const spki = Buffer.from(csr.publicKey.rawData);

    expect(parsed.spki.equals(spki)).toBe(true);
    expect(parsed.signatureOid).toBe(
      algorithm === P256 ? '1.2.840.10045.4.3.2' : '1.2.840.113549.1.1.11',
    );
    expect(parsed.commonNames).toEqual(csr.subjectName.getField('CN'));
    const peculiarSans = new x509.SubjectAlternativeNameExtension(
      csr.getExtension('2.5.29.17')!.rawData,
    ).names.items.map(n => ({ type: n.type, value: n.value }));
    expect(subjectAltNames(parsed.extensions.get('2.5.29.17')!)).toEqual(peculiarSans);
    expect(basicConstraintsCa(parsed.extensions.get('2.5.29.19')!)).toBe(false);
    // The signature verifies over the info bytes, as the library's verify() says.
    expect(await csr.verify()).toBe(true);
    expect(
      verify('sha256', parsed.info, { key: spki, format: 'der', type: 'spki' }, parsed.signature),
    ).toBe(true);
  });

  it('reads several common names, a non-ASCII name and CA:TRUE', async () => {
    const csr = await make(P256, 'CN=a.example.com+CN=b.example.com', [
      new x509.BasicConstraintsExtension(true, 0, true),
    ]);
    const parsed = parseCsrDer(Buffer.from(csr.rawData));
    expect(parsed.commonNames).toEqual(['a.example.com', 'b.example.com']);
    expect(basicConstraintsCa(parsed.extensions.get('2.5.29.19')!)).toBe(true);
    expect(parsed.extensions.has('2.5.29.17')).toBe(false);

    const accented = await make(P256, 'CN=caf\u00e9.example.com', []);
    const der = Buffer.from(accented.rawData);
    expect(parseCsrDer(der).commonNames).toEqual(['caf\u00e9.example.com']);
  });

  it('lists an extension requested twice, which the map alone would hide', async () => {
    const csr = await make(P256, 'CN=payments.example.com', [
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'login.bank.example.net' }]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'payments.example.com' }]),
    ]);
    const parsed = parseCsrDer(Buffer.from(csr.rawData));
    expect(parsed.repeatedExtensions).toEqual(['2.5.29.17']);
    expect(parseCsrDer(Buffer.from((await make(P256, 'CN=a.example.com', [])).rawData)).repeatedExtensions).toEqual([]);
  });

  it('rejects what is not a CSR', () => {
    expect(() => parseCsrDer(Buffer.from('AAAA', 'base64'))).toThrow();
    expect(() => parseCsrDer(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow();
    expect(() => parseCsrDer(Buffer.alloc(0))).toThrow();
  });
});
