import { ParsedCertificate } from '../types';
import {
  SIGNATURE_ALGORITHM_NAMES,
  WEAK_SIGNATURE_ALGORITHM_OIDS,
} from '../oids/oidNames';

/** EC curves considered strong enough for server certificates. */
export const STRONG_CURVES: readonly string[] = ['P-256', 'P-384', 'P-521'];

/** The `curve` of an EC key that spells out its curve instead of naming one. */
export const EXPLICIT_CURVE = 'explicit parameters';

/** Minimum RSA modulus size in bits. */
export const MIN_RSA_BITS = 2048;

/** Why the certificate's key is weak, or undefined when it is not. */
export function weakKeyReason(
  cert: Pick<ParsedCertificate, 'keyAlgorithm' | 'keySize' | 'curve'>,
): string | undefined {
  switch (cert.keyAlgorithm) {
    case 'RSA':
      if (cert.keySize === undefined || cert.keySize < MIN_RSA_BITS) {
        return `RSA key of ${
          cert.keySize ?? 'unknown'
        } bits (minimum ${MIN_RSA_BITS})`;
      }
      return undefined;
    case 'EC':
      if (cert.curve === EXPLICIT_CURVE) {
        return 'EC key with explicit curve parameters instead of a named curve (a client that trusts them can be fooled by a forged curve, CVE-2020-0601)';
      }
      if (!cert.curve || !STRONG_CURVES.includes(cert.curve)) {
        return `EC key on curve ${
          cert.curve ?? 'unknown'
        } (allowed: ${STRONG_CURVES.join(', ')})`;
      }
      return undefined;
    case 'DSA':
      return 'DSA key (DSA is deprecated for TLS)';
    case 'Ed25519':
    case 'Ed448':
      return undefined;
    default:
      // Not weak but unknown: unsupportedAlgorithmReason reports it.
      return undefined;
  }
}

const WEAK_SIGNATURE_NAMES = new Set(
  WEAK_SIGNATURE_ALGORITHM_OIDS.flatMap(oid => [
    oid,
    SIGNATURE_ALGORITHM_NAMES[oid],
  ]),
);

/**
 * True for signature algorithms built on MD2, MD4, MD5, SHA-0 or SHA-1, by
 * name, by OID, or as a parameterised name such as "rsassaPss (SHA-1)".
 */
export function isWeakSignatureAlgorithm(name: string): boolean {
  // PSS is as strong as its message hash; an MGF1 over SHA-1 is not broken.
  const pss = /^rsassaPss \(([^,)]+)/.exec(name);
  return (
    WEAK_SIGNATURE_NAMES.has(name) ||
    /md[245]|sha1(?!\d)|sha-1(?!\d)/i.test(pss ? pss[1] : name)
  );
}

/** Names of all SANs of a certificate. */
export function hasSubjectAltNames(
  cert: Pick<ParsedCertificate, 'dnsNames' | 'ipAddresses' | 'uris' | 'emails'>,
): boolean {
  return (
    cert.dnsNames.length +
      cert.ipAddresses.length +
      cert.uris.length +
      cert.emails.length >
    0
  );
}

/** The CN of a distinguished name such as `CN=x, O=y` or `O=y\nCN=x`. */
export function commonNameOf(dn: string): string | undefined {
  const match = /(?:^|[,\n]\s*)CN=((?:\\.|[^,\n])*)/.exec(dn);
  return match ? match[1].replace(/\\(.)/g, '$1').trim() : undefined;
}
