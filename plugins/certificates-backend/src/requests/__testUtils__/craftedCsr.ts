import { x509 } from '../../pki';

/** ECDSA P-256 with SHA-256, as key and as signature algorithm. */
export const P256_SHA256 = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};

/**
 * A CSR for CN=payments.example.com carrying exactly `extensions`, for a
 * new `keyAlgorithm` key and signed with `signingAlgorithm`: what a CSR
 * the portal must refuse is made of.
 */
export async function craftedCsrPem(
  extensions: InstanceType<typeof x509.Extension>[],
  signingAlgorithm: Algorithm & { hash?: string } = P256_SHA256,
  keyAlgorithm: EcKeyGenParams | RsaHashedKeyGenParams = P256_SHA256,
): Promise<string> {
  const keys = (await crypto.subtle.generateKey(keyAlgorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=payments.example.com',
    keys,
    signingAlgorithm,
    extensions,
  });
  return csr.toString('pem');
}
