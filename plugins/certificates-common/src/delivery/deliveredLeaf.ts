import { CertificateRequest, KeyAlgorithmChoice } from '../types';

/** What a delivered Secret holds, as read from its leaf and key (in memory). */
export interface DeliveredLeafFacts {
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  /** The leaf's key as a portal key choice; undefined when it is none of them. */
  keyAlgorithm?: KeyAlgorithmChoice;
  /** ISO 8601. */
  notBefore: string;
  /** The leaf certifies the private key stored next to it. */
  certifiesStoredKey: boolean;
}

export type DeliveredLeafVerdict =
  | { verdict: 'match' }
  /** Issued before the request existed: the certificate it replaces, not its own yet. */
  | { verdict: 'earlier' }
  | { verdict: 'mismatch'; reason: string };

/** Issuers may backdate a certificate (ACME CAs by up to an hour). */
const BACKDATING_MS = 2 * 60 * 60 * 1000;

const sameSet = (a: string[] = [], b: string[] = []) => {
  const norm = (v: string[]) =>
    [...new Set(v.map(x => x.toLowerCase()))].sort().join('\n');
  return norm(a) === norm(b);
};

/**
 * Whether the certificate found at a request's delivery target is the one
 * the request approved: a cluster's "Ready" says something was issued, not
 * what. The names and the key must be the approved ones, and the leaf must
 * certify the key it is stored with.
 */
export function deliveredLeafVerdict(
  request: Pick<
    CertificateRequest,
    | 'commonName'
    | 'dnsNames'
    | 'ipAddresses'
    | 'uris'
    | 'keyAlgorithm'
    | 'createdAt'
  >,
  leaf: DeliveredLeafFacts,
): DeliveredLeafVerdict {
  if (
    Date.parse(leaf.notBefore) <
    Date.parse(request.createdAt) - BACKDATING_MS
  ) {
    return { verdict: 'earlier' };
  }
  const mismatch = (reason: string): DeliveredLeafVerdict => ({
    verdict: 'mismatch',
    reason,
  });
  if (!leaf.certifiesStoredKey) {
    return mismatch(
      'its certificate does not certify the private key stored with it',
    );
  }
  if (leaf.keyAlgorithm !== request.keyAlgorithm) {
    return mismatch(
      `its key is ${leaf.keyAlgorithm ?? 'of another kind'}, not the approved ${
        request.keyAlgorithm
      }`,
    );
  }
  if ((request.commonName ?? '') !== (leaf.commonName ?? '')) {
    return mismatch(
      `its common name is ${leaf.commonName ?? 'missing'}, not the approved ${
        request.commonName ?? 'none'
      }`,
    );
  }
  const names: Array<[string, string[] | undefined, string[]]> = [
    ['DNS names', request.dnsNames, leaf.dnsNames],
    ['IP addresses', request.ipAddresses, leaf.ipAddresses],
    ['URIs', request.uris, leaf.uris],
  ];
  for (const [label, approved, found] of names) {
    if (!sameSet(approved, found)) {
      return mismatch(
        `its ${label} (${found.join(', ') || 'none'}) are not the approved ${
          (approved ?? []).join(', ') || 'none'
        }`,
      );
    }
  }
  return { verdict: 'match' };
}
