import {
  certificateCoversHost,
  CertificateSummary,
} from '@kubecerts/backstage-plugin-certificates-common';

/** A stored certificate beside the endpoints that serve its names. */
export interface StoredAndServedPair {
  /** Undefined for an endpoint no stored certificate of the entity covers. */
  stored?: CertificateSummary;
  served: CertificateSummary[];
}

/** The host of an endpoint row, whose name is `host:port` (`[v6]:port`). */
export function endpointHost(row: Pick<CertificateSummary, 'secretName'>) {
  const i = row.secretName.lastIndexOf(':');
  return (i > 0 ? row.secretName.slice(0, i) : row.secretName).replace(
    /^\[(.*)\]$/,
    '$1',
  );
}

/**
 * Pairs each endpoint with the stored certificates (Secrets, the portal's)
 * whose names cover its host, the way a client would match them. Only the
 * pairs that have an endpoint: the table beside the Secrets is about what
 * is served.
 */
export function pairStoredAndServed(
  rows: CertificateSummary[],
): StoredAndServedPair[] {
  const live = rows.filter(r => !r.goneAt);
  const endpoints = live.filter(r => r.location === 'endpoint');
  const stored = live.filter(r => r.location !== 'endpoint');
  const pairs = new Map<string, StoredAndServedPair>();
  const unmatched: CertificateSummary[] = [];
  for (const endpoint of endpoints) {
    const host = endpointHost(endpoint);
    const covering = stored.filter(s =>
      certificateCoversHost({ dnsNames: s.dnsNames }, host),
    );
    if (covering.length === 0) unmatched.push(endpoint);
    for (const s of covering) {
      const pair = pairs.get(s.id) ?? { stored: s, served: [] };
      pair.served.push(endpoint);
      pairs.set(s.id, pair);
    }
  }
  return [
    ...pairs.values(),
    ...(unmatched.length ? [{ served: unmatched }] : []),
  ];
}
