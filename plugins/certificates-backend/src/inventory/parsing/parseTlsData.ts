import { createHash, createPrivateKey, X509Certificate } from 'crypto';
import {
  ChainEntry,
  KeyAlgorithm,
  ParsedCertificate,
  commonNameOf,
} from '@kubecerts/backstage-plugin-certificates-common';
import { readSignatureAlgorithm, splitPem } from '../../pki';
import { TrustStore } from './TrustStore';

/** What one TLS Secret's data yields. Holds no private key material. */
export interface ParsedTlsData {
  leaf?: ParsedCertificate;
  chain: ChainEntry[];
  /** The certificates of tls.crt, re-encoded as PEM (public data). */
  chainPem?: string;
  /** Undefined when no approved roots are known. */
  chainTrusted?: boolean;
  /** Undefined when the Secret has no tls.key. */
  keyMatches?: boolean;
  parseError?: string;
}

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

/** Node writes distinguished names one attribute per line. */
/** A distinguished name on one line; node leaves an empty one undefined. */
function dn(value: string | undefined): string {
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

function hex(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** All ParsedCertificate fields of one certificate. */
export function describeCertificate(x: X509Certificate): ParsedCertificate {
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const subject = dn(x.subject);
  const issuer = dn(x.issuer);
  const selfSigned = x.subject === x.issuer && x.verify(key);
  return {
    subject,
    commonName: commonNameOf(subject),
    issuer,
    serialNumber: x.serialNumber.toLowerCase(),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    ...sans(x.subjectAltName),
    keyAlgorithm: keyAlgorithm(key.asymmetricKeyType),
    keySize: details.modulusLength,
    curve: curveName(details.namedCurve),
    signatureAlgorithm: readSignatureAlgorithm(x.raw),
    fingerprintSha256: hex(x.fingerprint256),
    isCA: x.ca,
    selfSigned,
  };
}

function decode(value: string | undefined): string | undefined {
  return value === undefined
    ? undefined
    : Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Parses the base64 `tls.crt` / `tls.key` of a Secret: the leaf, the chain,
 * trust against the approved roots and whether the key matches. The key is
 * only compared in memory and never leaves this function.
 */
export function parseTlsData(
  data: Record<string, string> | undefined,
  trust: TrustStore,
): ParsedTlsData {
  const crt = decode(data?.['tls.crt']);
  if (!crt || crt.trim() === '') {
    return { chain: [], parseError: 'tls.crt is missing or empty' };
  }
  const blocks = splitPem(crt);
  if (blocks.length === 0) {
    return { chain: [], parseError: 'tls.crt holds no PEM certificate' };
  }
  let certs: X509Certificate[];
  try {
    certs = blocks.map(b => new X509Certificate(b));
  } catch (e) {
    return {
      chain: [],
      parseError: `tls.crt is not a valid certificate: ${(e as Error).message}`,
    };
  }
  let leaf: ParsedCertificate;
  try {
    leaf = describeCertificate(certs[0]);
  } catch (e) {
    return {
      chain: [],
      parseError: `the certificate could not be read: ${(e as Error).message}`,
    };
  }
  const trustedFlags = trust.hasRoots
    ? trust.trustOf(certs)
    : certs.map(() => false);
  const chain: ChainEntry[] = certs.map((c, i) => ({
    subject: i === 0 ? leaf.subject : dn(c.subject),
    issuer: i === 0 ? leaf.issuer : dn(c.issuer),
    fingerprintSha256: i === 0 ? leaf.fingerprintSha256 : hex(c.fingerprint256),
    notAfter: i === 0 ? leaf.notAfter : new Date(c.validTo).toISOString(),
    isCA: c.ca,
    trusted: trustedFlags[i],
  }));

  let keyMatches: boolean | undefined;
  const keyPem = decode(data?.['tls.key']);
  if (keyPem && keyPem.trim() !== '') {
    try {
      keyMatches = certs[0].checkPrivateKey(createPrivateKey(keyPem));
    } catch {
      // An unreadable key cannot match.
      keyMatches = false;
    }
  }
  return {
    leaf,
    chain,
    chainPem: certs.map(c => c.toString()).join(''),
    chainTrusted: trust.hasRoots ? trustedFlags[0] : undefined,
    keyMatches,
  };
}

/** Stable inventory id of a (cluster, namespace, secret). */
export function certificateId(
  cluster: string,
  namespace: string,
  name: string,
): string {
  return createHash('sha256')
    .update(`${cluster}/${namespace}/${name}`)
    .digest('hex');
}
