import { Knex } from 'knex';
import { TABLE } from './queryFilters';
import { CLUSTER_LOCATION, issueOf, proves } from './requestLinks';

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
