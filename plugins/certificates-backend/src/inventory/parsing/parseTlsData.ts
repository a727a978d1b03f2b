import { createHash, createPrivateKey, X509Certificate } from 'crypto';
import {
  ChainEntry,
  ChainTrust,
  chainTrustAt,
  ParsedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';
import { readCertificateFacts, splitPem } from '../../pki';
import { PathNode, pathNode } from '../../pki/path';
import { describeCertificate, dn, hex } from './describeCertificate';
import { TrustStore } from './TrustStore';

export {
  curveName,
  describeCertificate,
  keyAlgorithm,
} from './describeCertificate';

/** What one TLS Secret's data yields. Holds no private key material. */
export interface ParsedTlsData {
  leaf?: ParsedCertificate;
  chain: ChainEntry[];
  /** The certificates of tls.crt, re-encoded as PEM (public data). */
  chainPem?: string;
  /** Undefined when no approved roots are known. */
  chainTrusted?: boolean;
  /**
   * The paths to an approved root and why none qualifies; judged at a
   * given `now` by computeHealth (chainTrusted is the verdict at parse
   * time). Undefined when no approved roots are known.
   */
  chainTrust?: ChainTrust;
  /** Undefined when the Secret has no tls.key. */
  keyMatches?: boolean;
  parseError?: string;
}

/** An inventory row's details from a parse, before any finding is judged. */
export function parsedDetails(parsed: ParsedTlsData) {
  return {
    leaf: parsed.leaf,
    chain: parsed.chain,
    findingDetails: [],
    parseError: parsed.parseError,
    chainTrusted: parsed.chainTrusted,
    chainTrust: parsed.chainTrust,
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
  let leafNode: PathNode;
  try {
    // Read unmemoised: a leaf is rarely seen twice, and the memo is for
    // the intermediates every Secret of a CA repeats (leaves flushed them).
    leafNode = pathNode(certs[0], readCertificateFacts(certs[0].raw));
    leaf = describeCertificate(certs[0], leafNode.facts);
  } catch (e) {
    return {
      chain: [],
      parseError: `the certificate could not be read: ${(e as Error).message}`,
    };
  }
  // An intermediate whose extensions cannot be read links nothing.
  const nodes = [leafNode];
  for (const c of certs.slice(1)) {
    try {
      nodes.push(pathNode(c));
    } catch {
      // left out of path building; still listed in the chain
    }
  }
  const verdict = trust.hasRoots ? trust.judge(nodes) : undefined;
  const byFingerprint = new Map(nodes.map(n => [n.fingerprint, n]));
  const onPath = new Set(
    nodes.filter((_, i) => verdict?.trusted[i]).map(n => n.fingerprint),
  );
  const chain: ChainEntry[] = certs.map((c, i) => ({
    subject: i === 0 ? leaf.subject : dn(c.subject),
    issuer: i === 0 ? leaf.issuer : dn(c.issuer),
    fingerprintSha256: i === 0 ? leaf.fingerprintSha256 : hex(c.fingerprint256),
    notAfter: i === 0 ? leaf.notAfter : new Date(c.validTo).toISOString(),
    isCA:
      i === 0
        ? leaf.isCA
        : byFingerprint.get(c.fingerprint256)?.facts.ca ?? c.ca,
    trusted: onPath.has(c.fingerprint256),
  }));

  let keyMatches: boolean | undefined;
  const keyPem = decode(data?.['tls.key']);
  // A key node cannot load (GOST, …) cannot be compared: left unjudged.
  if (keyPem && keyPem.trim() !== '' && leaf.keyAlgorithm !== 'unknown') {
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
    chainTrusted: verdict
      ? chainTrustAt(verdict.trust, new Date()).trusted
      : undefined,
    chainTrust: verdict?.trust,
    keyMatches,
  };
}

/**
 * The chain trust of a certificate its issuer signed, from the issuer's
 * own (its paths, with the issuer's dates in front): what parsing the whole
 * chain gives for a leaf that keeps the leaf rules, as the portal's issued
 * leaves do.
 */
export function chainTrustThrough(
  signer: ParsedCertificate,
  signerTrust: ChainTrust | undefined,
): ChainTrust | undefined {
  if (!signerTrust) return undefined;
  const step = {
    name: signer.commonName || signer.subject,
    notBefore: signer.notBefore,
    notAfter: signer.notAfter,
  };
  return {
    ...signerTrust,
    paths: signerTrust.paths.map(path => [step, ...path]),
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
