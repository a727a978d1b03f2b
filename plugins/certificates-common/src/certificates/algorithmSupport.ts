import { ParsedCertificate } from '../types';
import { isWeakSignatureAlgorithm } from './keyStrength';

/**
 * Signature algorithms TLS clients verify on server certificates. Weak ones
 * (SHA-1, MD5) are understood too; weak-signature reports those.
 */
const SUPPORTED_SIGNATURES = new Set([
  'sha224WithRSAEncryption',
  'sha256WithRSAEncryption',
  'sha384WithRSAEncryption',
  'sha512WithRSAEncryption',
  'ecdsa-with-SHA224',
  'ecdsa-with-SHA256',
  'ecdsa-with-SHA384',
  'ecdsa-with-SHA512',
  'rsassaPss (SHA-256)',
  'rsassaPss (SHA-384)',
  'rsassaPss (SHA-512)',
  'Ed25519',
]);

/**
 * Why TLS clients will not accept the certificate's key or signature
 * algorithm (Ed448, GOST, SM2, DSA, RSASSA-PSS with unusual parameters, an
 * unknown OID), or undefined when they will. Such a certificate is still
 * read and judged by its dates; this says it will not work, not that it
 * could not be read.
 */
export function unsupportedAlgorithmReason(
  cert: Pick<
    ParsedCertificate,
    'keyAlgorithm' | 'keyAlgorithmName' | 'signatureAlgorithm'
  >,
): string | undefined {
  if (cert.keyAlgorithm === 'unknown') {
    return `the key algorithm ${cert.keyAlgorithmName ?? 'is unknown'}`;
  }
  if (cert.keyAlgorithm === 'Ed448' || cert.keyAlgorithm === 'DSA') {
    return `the key algorithm ${cert.keyAlgorithm}`;
  }
  const signature = cert.signatureAlgorithm;
  if (
    !SUPPORTED_SIGNATURES.has(signature) &&
    !isWeakSignatureAlgorithm(signature)
  ) {
    return `the signature algorithm ${signature}`;
  }
  return undefined;
}
