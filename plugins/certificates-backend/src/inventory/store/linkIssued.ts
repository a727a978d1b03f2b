import { Knex } from 'knex';
import { TABLE } from './queryFilters';
import { CLUSTER_LOCATION, issueOf, linkLookups, proves } from './requestLinks';

const REQUESTS = 'certificates_requests';
/** Request ids per statement. */
const BATCH = 500;

/**
 * Links the rows at the targets of Secret and cert-manager requests to those
 * requests, where the Secret holds the certificate the request was issued
 * (requestLinks.ts): for a Secret written, and its row with it, before its
 * request was recorded as issued. The rows are found through the unique
 * (cluster, namespace, secret) index. A CSR's certificate needs nothing
 * here: it reaches a cluster only after its requester downloaded it, when
 * the request is already issued, so its rows are proven when written.
 * Without `requestIds`, every issued request is looked at (a sweep for
 * links a race left out). Returns how many rows it linked.
 */
export async function linkIssuedRequests(
  db: Knex,
  requestIds?: string[],
): Promise<number> {
  if (requestIds?.length === 0) return 0;
  const batches = requestIds
    ? Array.from({ length: Math.ceil(requestIds.length / BATCH) }, (_, i) =>
        requestIds.slice(i * BATCH, (i + 1) * BATCH),
      )
    : [undefined];
  let linked = 0;
  for (const ids of batches) {
    const q = db(`${REQUESTS} as q`)
      .join(`${TABLE} as i`, on =>
        on
          .on('i.cluster', 'q.delivery_cluster')
          .andOn('i.namespace', 'q.delivery_namespace')
          .andOn('i.secret_name', 'q.delivery_secret_name'),
      )
      .whereNotNull('q.chain_pem')
      .whereIn('q.delivery_kind', ['secret', 'cert-manager'])
      .where('i.location', CLUSTER_LOCATION)
      .where(w =>
        w
          .whereNull('i.request_id')
          .orWhereRaw('?? <> ??', ['i.request_id', 'q.id']),
      )
      .select(
        'i.id as row_id',
        'i.location',
        'i.cluster',
        'i.namespace',
        'i.secret_name',
        'i.fingerprint_sha256',
        'q.id',
        'q.chain_pem',
        'q.delivery_kind',
        'q.delivery_cluster',
        'q.delivery_namespace',
        'q.delivery_secret_name',
      );
    if (ids) q.whereIn('q.id', ids);
    for (const r of await q) {
      if (!proves(r, issueOf(r))) continue;
      // Only while the row still holds the certificate just proven: a
      // discovery write in between may have replaced it.
      linked += await db(TABLE)
        .where({ id: r.row_id, fingerprint_sha256: r.fingerprint_sha256 })
        .update({ request_id: r.id });
    }
  }
  return linked;
}

/**
 * After discovery has committed rows it stored without a request: links
 * those whose request was recorded as issued meanwhile. Discovery looks for
 * the request before its write, and an issuance links the Secret's row after
 * its own commit (linkIssuedRequests); on a database that runs both at once
 * (PostgreSQL), each could look before the other had committed, and the
 * row stayed unlinked until the hourly sweep. Looking again after the write
 * closes that: whichever of the two commits last sees the other's commit.
 * `links` are the rows' link columns (linkColumns), `existing` the rows as
 * read before the write: only cluster rows whose certificate is new or
 * changed and that were stored without a request are looked at (the race
 * needs an issuance of that very certificate). Not inside a caller's
 * transaction: its rows are not committed yet.
 */
export async function linkLateIssued(
  db: Knex,
  links: Array<Record<string, any>>,
  requestIds: Array<string | null>,
  existing: Map<string, Record<string, any>>,
): Promise<void> {
  const unproven = links.filter((l, i) => {
    const before = existing.get(l.id);
    return (
      requestIds[i] === null &&
      l.location === CLUSTER_LOCATION &&
      l.serial_number &&
      l.fingerprint_sha256 &&
      (!before ||
        before.location !== l.location ||
        before.fingerprint_sha256 !== l.fingerprint_sha256)
    );
  });
  if (unproven.length === 0) return;
  const ids = new Set<string>();
  for (const lookup of linkLookups(unproven)) {
    const found = await db.raw(lookup.sql, lookup.bindings);
    const rows: Array<{ id: string; delivery_kind: string }> = Array.isArray(
      found,
    )
      ? found
      : found.rows;
    for (const r of rows) {
      if (r.delivery_kind !== 'csr') ids.add(r.id);
    }
  }
  if (ids.size > 0) await linkIssuedRequests(db, [...ids]);
}
