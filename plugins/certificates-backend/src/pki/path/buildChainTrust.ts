import { X509Certificate } from 'crypto';
import {
  ChainTrust,
  commonNameOf,
  PathCertificate,
  pathRuleFailure,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateFacts, readCertificateFacts } from '../certificateFacts';

/** A certificate as the path builder handles it: parsed once, reused. */
export interface PathNode {
  x: X509Certificate;
  facts: CertificateFacts;
  fingerprint: string;
  /** The subject CN, else the subject. */
  name: string;
}

/**
 * Facts by fingerprint: one CA's intermediate comes with every Secret it
 * issued, and is read once. Content-addressed, so never stale; bounded.
 */
const factsMemo = new Map<string, CertificateFacts>();

function factsOf(x: X509Certificate, fingerprint: string): CertificateFacts {
  let facts = factsMemo.get(fingerprint);
  if (!facts) {
    facts = readCertificateFacts(x.raw);
    if (factsMemo.size >= 4_096) factsMemo.clear();
    factsMemo.set(fingerprint, facts);
  }
  return facts;
}

export function pathNode(
  x: X509Certificate,
  facts?: CertificateFacts,
): PathNode {
  const subject = (x.subject ?? '').split('\n').filter(Boolean).join(', ');
  const fingerprint = x.fingerprint256;
  return {
    x,
    facts: facts ?? factsOf(x, fingerprint),
    fingerprint,
    name: commonNameOf(subject) || subject || x.fingerprint256,
  };
}

export interface PathSearch {
  /** Presented intermediates first, then known ones, then the roots. */
  pool: PathNode[];
  isRoot(node: PathNode): boolean;
  /** Whether `issuer`'s key verifies `child`'s signature (memoised by the caller). */
  signedBy(child: PathNode, issuer: PathNode): boolean;
}

/** Deeper chains than this are refused: real ones have two or three links. */
const MAX_DEPTH = 8;
/** Cross-signed meshes can multiply paths; a few are enough to decide. */
const MAX_PATHS = 8;

function toPathCertificate(node: PathNode): PathCertificate {
  const f = node.facts;
  return {
    name: node.name,
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    ca: f.ca,
    pathLen: f.pathLen,
    keyUsage: f.keyUsage,
    extKeyUsage: f.extKeyUsage,
    permitted: f.permitted,
    excluded: f.excluded,
    signatureAlgorithm: f.signatureAlgorithm,
    selfIssued: f.selfIssued,
    dnsNames: f.dnsNames,
    ipAddresses: f.ipAddresses,
  };
}

function mayHaveIssued(child: PathNode, issuer: PathNode): boolean {
  if (issuer.fingerprint === child.fingerprint) return false;
  if (!issuer.x.subject || issuer.x.subject !== child.x.issuer) return false;
  const aki = child.facts.authorityKeyId;
  const ski = issuer.facts.subjectKeyId;
  return !aki || !ski || aki === ski;
}

function deadEnd(top: PathNode, looped: boolean): string {
  if (looped) {
    return `the issuers above '${top.name}' loop without reaching an approved root`;
  }
  if (top.facts.selfIssued) {
    return `'${top.name}' is self-signed and not an approved root`;
  }
  const issuer = (top.x.issuer ?? '').split('\n').filter(Boolean).join(', ');
  return `'${top.name}' is issued by '${
    commonNameOf(issuer) || issuer
  }', which is neither an approved root nor in the chain`;
}

/**
 * Builds every path (up to a few) from the leaf through the presented and
 * known intermediates to an approved root, by name, key identifiers and a
 * verified signature, never through one certificate twice; then judges
 * each with the path rules of -common. Dates are left to `chainTrustAt`,
 * so the verdict can be cached and still move with time.
 */
export function buildChainTrust(
  leaf: PathNode,
  search: PathSearch,
): { trust: ChainTrust; onPath: Set<string> } {
  const found: PathNode[][] = [];
  let deepest: PathNode[] = [leaf];
  let looped = false;
  const visit = (path: PathNode[]) => {
    const current = path[path.length - 1];
    if (path.length > deepest.length) deepest = path;
    if (search.isRoot(current)) {
      found.push(path);
      return;
    }
    if (path.length > MAX_DEPTH) return;
    for (const candidate of search.pool) {
      if (found.length >= MAX_PATHS) return;
      if (!mayHaveIssued(current, candidate)) continue;
      if (path.some(p => p.fingerprint === candidate.fingerprint)) {
        looped = true;
        continue;
      }
      if (search.signedBy(current, candidate)) visit([...path, candidate]);
    }
  };
  visit([leaf]);

  const trust: ChainTrust = { paths: [] };
  const onPath = new Set<string>();
  for (const path of found) {
    const failure = pathRuleFailure(path.map(toPathCertificate));
    if (failure) {
      trust.failure ??= failure;
      continue;
    }
    // The leaf's own dates are its status, not its chain's trust.
    trust.paths.push(
      path.slice(1).map(n => ({
        name: n.name,
        notBefore: n.facts.notBefore,
        notAfter: n.facts.notAfter,
      })),
    );
    path.forEach(n => onPath.add(n.fingerprint));
  }
  if (found.length === 0) {
    trust.failure = deadEnd(deepest[deepest.length - 1], looped);
  }
  return { trust, onPath };
}
