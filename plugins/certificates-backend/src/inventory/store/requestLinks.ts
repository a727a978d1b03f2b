import {
  DeliveryKind,
  RequestIssue,
  requestLinkVerdict,
} from '@kubecerts/backstage-plugin-certificates-common';
import { leafFingerprintOf } from '../../pki';

/** Rows of TLS Secrets found in a cluster. */
export const CLUSTER_LOCATION = 'cluster';
/**
 * Rows of certificates issued to a CSR: they live in no cluster (their
 * `cluster` column is empty), and carry the request they were written for.
 */
export const PORTAL_LOCATION = 'portal';

const REQUESTS = 'certificates_requests';
/** Serials per lookup (two spellings each). */
const LOOKUP_BATCH = 200;

type DbRow = Record<string, any>;

/** A select as SQL text with `?` placeholders. */
export interface LinkLookup {
  sql: string;
  bindings: string[];
}

const LOOKUP_COLUMNS =
  'id, serial_number, chain_pem, delivery_kind, delivery_cluster, delivery_namespace, delivery_secret_name';

/**
 * The lookup's SQL for `size` serials, written once per size: building it
 * with the query builder on every page cost more than running it.
 */
const lookupSql = new Map<number, string>();
function lookupSqlFor(size: number): string {
  let sql = lookupSql.get(size);
  if (!sql) {
    sql = `select ${LOOKUP_COLUMNS} from ${REQUESTS} where serial_number in (${Array.from(
      { length: size },
      () => '?',
    ).join(', ')}) and chain_pem is not null`;
    lookupSql.set(size, sql);
  }
  return sql;
}

/** The issuers' spellings of a serial: hex, in either case. */
function spellings(serial: string): string[] {
  return [serial.toUpperCase(), serial.toLowerCase()];
}

const comparable = (serial: string) =>
  serial.toLowerCase().replace(/^0+(?=.)/, '');

/**
 * The values padded to a power of two with repeats of the last one, so that
 * the lookup's SQL text, and its prepared statement, comes in few shapes.
 */
function padded(values: string[]): string[] {
  let size = 1;
  while (size < values.length) size *= 2;
  return values.concat(
    Array.from(
      { length: size - values.length },
      () => values[values.length - 1],
    ),
  );
}

/** What a request issued and where, from its row (chain_pem and delivery). */
export function issueOf(q: DbRow): RequestIssue {
  return {
    requestId: q.id,
    delivery: {
      kind: q.delivery_kind as DeliveryKind,
      cluster: q.delivery_cluster ?? undefined,
      namespace: q.delivery_namespace ?? undefined,
      secretName: q.delivery_secret_name ?? undefined,
    },
    leafFingerprintSha256: leafFingerprintOf(q.chain_pem),
  };
}

/** True when the certificate of inventory record `r` is the one `issue` issued, where it delivered it. */
export function proves(r: DbRow, issue: RequestIssue): boolean {
  return requestLinkVerdict(
    {
      cluster: r.location === CLUSTER_LOCATION ? r.cluster : undefined,
      namespace: r.namespace,
      secretName: r.secret_name,
      fingerprintSha256: r.fingerprint_sha256 ?? undefined,
    },
    issue,
  ).linked;
}

/*
 * Links inventory rows to the portal requests whose certificates they hold,
 * when the rows are written. A Secret can be labelled with any request id,
 * so a discovered row is linked only by proof: its leaf is byte for byte
 * the certificate the issuer returned for the request (fingerprint), and
 * for a Secret or cert-manager delivery it is the request's target Secret
 * (requestLinkVerdict). The request is found by the row's serial (indexed),
 * then proven by the fingerprint of its chain's leaf. The proven id is
 * stored with the row, so lists only read it: proving on every read cost a
 * lookup per page of every list. A row keeps its link while its
 * certificate stays the same; a request recorded as issued after its
 * Secret was written proves its rows then (linkIssued).
 */

/**
 * Sets `request_id` on the records about to be written where nothing needs
 * proving (the portal's own rows keep theirs; a certificate unchanged since
 * the stored row keeps its link, or its lack of one) and returns the
 * records whose certificate must prove its request.
 */
export function recordsToProve(
  records: DbRow[],
  existing: (id: string) => DbRow | undefined,
): DbRow[] {
  const out: DbRow[] = [];
  for (const r of records) {
    if (r.location === PORTAL_LOCATION) continue;
    const before = existing(r.id);
    if (!r.serial_number || !r.fingerprint_sha256) {
      r.request_id = null;
    } else if (
      before &&
      before.location === r.location &&
      before.fingerprint_sha256 === r.fingerprint_sha256
    ) {
      r.request_id = before.request_id ?? null;
    } else {
      out.push(r);
    }
  }
  return out;
}

/** The lookups that find the requests `records` may prove (by serial). */
export function linkLookups(records: DbRow[]): LinkLookup[] {
  const serials = [
    ...new Set(records.flatMap(r => spellings(r.serial_number))),
  ];
  const lookups: LinkLookup[] = [];
  for (let i = 0; i < serials.length; i += LOOKUP_BATCH) {
    const batch = padded(serials.slice(i, i + LOOKUP_BATCH));
    lookups.push({ sql: lookupSqlFor(batch.length), bindings: batch });
  }
  return lookups;
}

/** Sets `request_id` on `records` (from recordsToProve) from the lookups' answers. */
export function applyProofs(records: DbRow[], issued: DbRow[]): void {
  const bySerial = new Map<string, RequestIssue[]>();
  const seen = new Set<string>();
  for (const q of issued) {
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    const key = comparable(q.serial_number);
    const issues = bySerial.get(key) ?? [];
    issues.push(issueOf(q));
    bySerial.set(key, issues);
  }
  for (const r of records) {
    const issues = bySerial.get(comparable(r.serial_number)) ?? [];
    r.request_id = issues.find(issue => proves(r, issue))?.requestId ?? null;
  }
}
