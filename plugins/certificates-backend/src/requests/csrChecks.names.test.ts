import { x509 } from '../pki';
import { checkCsr } from './csrChecks';
import { craftedCsrPem } from './__testUtils__/craftedCsr';

const expected = {
  commonName: 'payments.example.com',
  dnsNames: ['payments.example.com'],
  keyAlgorithm: 'ECDSA-P256' as const,
};

describe('checkCsr names OIDs in its reasons', () => {
  it('names an extension requested twice', async () => {
    const pem = await craftedCsrPem([
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'login.bank.example.net' },
      ]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'payments.example.com' },
      ]),
    ]);
    const { violations } = await checkCsr(pem, expected);
    expect(violations.map(v => v.reason)).toContain(
      'the CSR requests the extension subjectAltName (2.5.29.17) more than once',
    );
  });

  it('names a refused signature algorithm', async () => {
    const rsaSha1 = {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-1',
    };
    const pem = await craftedCsrPem(
      [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'payments.example.com' },
        ]),
      ],
      rsaSha1,
      rsaSha1,
    );
    const { violations } = await checkCsr(pem, {
      ...expected,
      keyAlgorithm: 'RSA-2048',
    });
    expect(violations.map(v => v.reason)).toEqual([
      'signature algorithm sha1WithRSAEncryption (1.2.840.113549.1.1.5) is not accepted (use SHA-256 or stronger with RSA or ECDSA)',
    ]);
  });
});
