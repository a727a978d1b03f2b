import { webcrypto } from 'node:crypto';
import { x509, randomSerial } from '../pki';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
export const DAY = 24 * 60 * 60 * 1000;

/** A freshly generated CA hierarchy; private keys as PKCS#8 DER. */
export interface GeneratedCa {
  rootCertificatePem: string;
  rootKeyPkcs8: Buffer;
  issuingCertificatePem: string;
  issuingKeyPkcs8: Buffer;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
}

/**
 * Creates a root (10 years) and an issuing CA (5 years, path length 0),
 * both ECDSA P-256.
 */
export async function generateCa(options: {
  organization: string;
  now: Date;
}): Promise<GeneratedCa> {
  const notBefore = new Date(options.now.getTime() - 5 * 60 * 1000);
  const rootKeys = await generateKeys();
  const issuingKeys = await generateKeys();
  const rootName = `CN=${options.organization} Root CA, O=${options.organization}`;
  const issuingName = `CN=${options.organization} Issuing CA, O=${options.organization}`;
  const caUsages =
    x509.KeyUsageFlags.keyCertSign |
    x509.KeyUsageFlags.cRLSign |
    x509.KeyUsageFlags.digitalSignature;

  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial().toString('hex'),
    name: rootName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY),
    signingAlgorithm: ALGORITHM,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(caUsages, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial().toString('hex'),
    subject: issuingName,
    issuer: root.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 1825 * DAY),
    signingAlgorithm: ALGORITHM,
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(caUsages, true),
      await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return {
    rootCertificatePem: root.toString('pem'),
    rootKeyPkcs8: await exportKey(rootKeys.privateKey),
    issuingCertificatePem: issuing.toString('pem'),
    issuingKeyPkcs8: await exportKey(issuingKeys.privateKey),
  };
}

export async function importSigningKey(pkcs8: Buffer): Promise<CryptoKey> {
  return webcrypto.subtle.importKey(
    'pkcs8',
    new Uint8Array(pkcs8),
    ALGORITHM,
    false,
    ['sign'],
  ) as Promise<CryptoKey>;
}

export { ALGORITHM as CA_SIGNING_ALGORITHM };
