import { createHash } from 'node:crypto';

const FIRST_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/;

/**
 * SHA-256 (hex) of the DER of a PEM chain's first certificate, as
 * parseTlsData reports a leaf's fingerprint; undefined without one. Hashes
 * the bytes without parsing them: equal bytes are the same certificate,
 * whatever they hold.
 */
export function leafFingerprintOf(
  chainPem: string | null | undefined,
): string | undefined {
  const body = chainPem ? FIRST_CERTIFICATE.exec(chainPem)?.[1] : undefined;
  if (!body) return undefined;
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  return der.length > 0
    ? createHash('sha256').update(der).digest('hex')
    : undefined;
}
