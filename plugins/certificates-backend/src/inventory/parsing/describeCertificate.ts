import { KeyObject, X509Certificate } from 'crypto';
import {
  commonNameOf,
  CURVE_NAMES,
  EXPLICIT_CURVE,
  KEY_ALGORITHM_NAMES,
  KeyAlgorithm,
  ParsedCertificate,
  unsupportedAlgorithmReason,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateFacts,
  readCertificateFacts,
} from '../../pki/certificateFacts';

const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** The inventory's name for a curve node names (prime256v1 → P-256). */
export function curveName(namedCurve: string | undefined): string | undefined {
  return namedCurve ? CURVES[namedCurve] ?? namedCurve : undefined;
}

/** The inventory's name for a key type node names (KeyObject.asymmetricKeyType). */
export function keyAlgorithm(type: string | undefined): KeyAlgorithm {
  switch (type) {
    case 'rsa':
    case 'rsa-pss':
      return 'RSA';
    case 'ec':
      return 'EC';
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return 'DSA';
    default:
      return 'unknown';
  }
}

/** A distinguished name on one line; node leaves an empty one undefined. */
export function dn(value: string | undefined): string {
  return (value ?? '').split('\n').filter(Boolean).join(', ');
}

function sans(value: string | undefined) {
  const out = {
    dnsNames: [] as string[],
    ipAddresses: [] as string[],
    uris: [] as string[],
    emails: [] as string[],
  };
  if (!value) return out;
  for (const raw of value.split(', ')) {
    const idx = raw.indexOf(':');
    if (idx < 0) continue;
    const type = raw.slice(0, idx);
    const v = raw.slice(idx + 1).replace(/^"(.*)"$/, '$1');
    if (type === 'DNS') out.dnsNames.push(v);
    else if (type === 'IP Address') out.ipAddresses.push(v);
    else if (type === 'URI') out.uris.push(v);
    else if (type === 'email') out.emails.push(v);
  }
  return out;
}

export function hex(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** e.g. "id-ecPublicKey on SM2", "GOST R 34.10-2012 (256 bit)". */
function unknownKeyName(facts: CertificateFacts): string {
  const name =
    KEY_ALGORITHM_NAMES[facts.keyAlgorithmOid] ?? facts.keyAlgorithmOid;
  const curve = facts.keyParameterOid && CURVE_NAMES[facts.keyParameterOid];
  return curve ? `${name} on ${curve}` : name;
}

/**
 * Self-signed, and how it was decided. A self-issued certificate is
 * self-signed when its own key verifies it; when node cannot verify that
 * algorithm (GOST, SM2, …) matching key identifiers decide instead.
 */
function selfSignature(
  x: X509Certificate,
  key: KeyObject | undefined,
  facts: CertificateFacts,
  verifiable: boolean,
): Pick<ParsedCertificate, 'selfSigned' | 'selfSignedBy'> {
  if (!facts.selfIssued && x.subject !== x.issuer) return { selfSigned: false };
  let verified: boolean | undefined;
  try {
    verified = key ? x.verify(key) : undefined;
  } catch {
    verified = undefined;
  }
  if (verified) return { selfSigned: true, selfSignedBy: 'signature' };
  if (verified === false && verifiable) return { selfSigned: false };
  const { subjectKeyId: ski, authorityKeyId: aki } = facts;
  const byIds = Boolean(ski) && (aki === undefined || aki === ski);
  return byIds
    ? { selfSigned: true, selfSignedBy: 'names-and-key-id' }
    : { selfSigned: false };
}

/**
 * All ParsedCertificate fields of one certificate. A key node cannot load
 * (GOST, an unknown OID) leaves the key fields unknown and everything else
 * read: the health rules then report it as unsupported, not unparseable.
 */
export function describeCertificate(
  x: X509Certificate,
  facts: CertificateFacts = readCertificateFacts(x.raw),
): ParsedCertificate {
  let key: KeyObject | undefined;
  try {
    key = x.publicKey;
  } catch {
    key = undefined;
  }
  const details = key?.asymmetricKeyDetails ?? {};
  const subject = dn(x.subject);
  const issuer = dn(x.issuer);
  const algorithm = keyAlgorithm(key?.asymmetricKeyType);
  const keyAlgorithmName =
    algorithm === 'unknown' ? unknownKeyName(facts) : undefined;
  const verifiable = !unsupportedAlgorithmReason({
    keyAlgorithm: algorithm,
    signatureAlgorithm: facts.signatureAlgorithm,
  });
  return {
    subject,
    commonName: commonNameOf(subject),
    issuer,
    serialNumber: x.serialNumber.toLowerCase(),
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    ...sans(x.subjectAltName),
    keyAlgorithm: algorithm,
    ...(keyAlgorithmName ? { keyAlgorithmName } : {}),
    keySize: details.modulusLength,
    curve: facts.explicitCurve ? EXPLICIT_CURVE : curveName(details.namedCurve),
    signatureAlgorithm: facts.signatureAlgorithm,
    fingerprintSha256: hex(x.fingerprint256),
    // basicConstraints as written: node's `ca` also wants keyCertSign.
    isCA: facts.ca === true,
    ...selfSignature(x, key, facts, verifiable),
  };
}
