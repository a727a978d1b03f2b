import {
  CertificateHistoryEntry,
  CertificateStatus,
  CertificateSummary,
  FindingKind,
  KeyAlgorithm,
  OwnershipRule,
} from '@kubecerts/backstage-plugin-certificates-common';
import { TABLE } from './queryFilters';
import { PORTAL_LOCATION } from './requestLinks';
import { InventoryRow } from './types';

/*
 * The inventory's tables and columns, and the mapping between rows as the
 * store reads and writes them and the plugin's types.
 */

export const HISTORY = 'certificates_inventory_history';
export const OBJECTS = 'certificates_k8s_objects';
export const REFS = 'certificates_k8s_refs';
export const CLUSTERS = 'certificates_clusters';

/** Rows per statement; SQLite limits bound parameters. */
export const BATCH = 500;
/** Narrower batches for the wide inventory rows (≈30 columns each). */
export const ROW_BATCH = 250;

export const SUMMARY_COLUMNS = [
  'id',
  'cluster',
  'namespace',
  'secret_name',
  'common_name',
  'dns_names',
  'issuer',
  'not_before',
  'not_after',
  'status',
  'findings',
  'key_algorithm',
  'key_size',
  'curve',
  'fingerprint_sha256',
  // with the fingerprint, what finds and proves the row's portal request
  'serial_number',
  'entity_ref',
  'owner_ref',
  'request_id',
  'gone_at',
  'first_seen_at',
  'last_seen_at',
];

export type DbRow = Record<string, any>;

/** Columns written by an upsert, in the order of toDb. */
export const UPSERT_COLUMNS = Object.keys(
  // eslint-disable-next-line @typescript-eslint/no-use-before-define
  toDb(
    {
      id: '',
      cluster: '',
      namespace: '',
      secretName: '',
      status: 'valid',
      findings: [],
      details: { chain: [], findingDetails: [] },
    },
    '',
  ),
);

/** Columns read before an upsert (history, first-seen, changed-at). */
export const EXISTING_COLUMNS = [
  'id',
  'fingerprint_sha256',
  'status',
  'findings',
  'entity_ref',
  'owner_ref',
  'gone_at',
  'first_seen_at',
  'changed_at',
];

/**
 * The inventory's columns that are in one of its indexes (see the
 * migrations). The SQLite writer compares these with the stored row and
 * rewrites only those that changed; the others it writes unread. A column
 * missing here is only written every time, which is correct, only slower.
 */
export const INDEXED_COLUMNS = [
  'id',
  'cluster',
  'namespace',
  'secret_name',
  'gone_at',
  'not_after',
  'status',
  'findings',
  'entity_ref',
  'owner_ref',
  'issuer',
];

const upsertStatements = new Map<number, string>();

/**
 * The multi-row upsert as plain SQL (valid on SQLite and PostgreSQL), built
 * once per row count: the query builder spent more time compiling wide
 * multi-row inserts than the database spent running them.
 */
export function upsertSql(rowCount: number): string {
  let sql = upsertStatements.get(rowCount);
  if (!sql) {
    const tuple = `(${UPSERT_COLUMNS.map(() => '?').join(',')})`;
    const updates = UPSERT_COLUMNS.filter(
      c => c !== 'id' && c !== 'first_seen_at',
    )
      .map(c => `"${c}" = excluded."${c}"`)
      .join(', ');
    sql =
      `insert into "${TABLE}" (${UPSERT_COLUMNS.map(c => `"${c}"`).join(
        ',',
      )}) values ${Array.from({ length: rowCount }, () => tuple).join(',')}` +
      ` on conflict ("id") do update set ${updates}`;
    upsertStatements.set(rowCount, sql);
  }
  return sql;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

export function findingsColumn(findings: FindingKind[]): string {
  return findings.length ? `,${findings.join(',')},` : '';
}

export function parseFindings(value: string | null): FindingKind[] {
  return value ? (value.split(',').filter(Boolean) as FindingKind[]) : [];
}

export const orUndefined = <T>(v: T | null | undefined | ''): T | undefined =>
  v === null || v === undefined || v === '' ? undefined : (v as T);

/**
 * The request id stored with a row: only the portal's rows of certificates
 * issued to a CSR have one, written from the issuer's answer. Any other row
 * is linked only by proof, when it is read (RequestLinks).
 */
export function storedRequestId(r: DbRow): string | undefined {
  return r.cluster === PORTAL_LOCATION ? orUndefined(r.request_id) : undefined;
}

/** `links`: the requests proven for rows (RequestLinks.prove). */
export function toSummary(
  r: DbRow,
  links?: ReadonlyMap<string, string>,
): CertificateSummary {
  return {
    id: r.id,
    cluster: r.cluster,
    namespace: r.namespace,
    secretName: r.secret_name,
    commonName: orUndefined(r.common_name),
    dnsNames: JSON.parse(r.dns_names),
    issuer: orUndefined(r.issuer),
    notBefore: orUndefined(r.not_before),
    notAfter: orUndefined(r.not_after),
    status: r.status as CertificateStatus,
    findings: parseFindings(r.findings),
    keyAlgorithm: orUndefined<KeyAlgorithm>(r.key_algorithm),
    keySize: orUndefined(r.key_size),
    curve: orUndefined(r.curve),
    fingerprintSha256: orUndefined(r.fingerprint_sha256),
    entityRef: orUndefined(r.entity_ref),
    ownerRef: orUndefined(r.owner_ref),
    requestId: links?.get(r.id) ?? storedRequestId(r),
    goneAt: orUndefined(r.gone_at),
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

export function toRow(r: DbRow): InventoryRow {
  return {
    id: r.id,
    cluster: r.cluster,
    namespace: r.namespace,
    secretName: r.secret_name,
    resourceVersion: orUndefined(r.resource_version),
    labels: r.labels ? JSON.parse(r.labels) : undefined,
    status: r.status,
    findings: parseFindings(r.findings),
    entityRef: orUndefined(r.entity_ref),
    ownerRef: orUndefined(r.owner_ref),
    ownershipRule: orUndefined<OwnershipRule>(r.ownership_rule),
    requestId: storedRequestId(r),
    details: JSON.parse(r.details),
    chainPem: orUndefined(r.chain_pem),
    goneAt: orUndefined(r.gone_at),
  };
}

export function toDb(row: InventoryRow, now: string, existing?: DbRow) {
  const leaf = row.details.leaf;
  const dnsNames = leaf?.dnsNames ?? [];
  const search = [
    leaf?.commonName ?? '',
    ...dnsNames,
    row.secretName,
    row.namespace,
  ]
    .join(' ')
    .toLowerCase();
  const contentChanged =
    !existing ||
    existing.fingerprint_sha256 !== (leaf?.fingerprintSha256 ?? null) ||
    existing.status !== row.status ||
    existing.findings !== findingsColumn(row.findings) ||
    existing.entity_ref !== (row.entityRef ?? null) ||
    existing.owner_ref !== (row.ownerRef ?? null) ||
    existing.gone_at !== null;
  return {
    id: row.id,
    cluster: row.cluster,
    namespace: row.namespace,
    secret_name: row.secretName,
    resource_version: row.resourceVersion ?? null,
    labels: row.labels ? JSON.stringify(row.labels) : null,
    common_name: leaf?.commonName ?? '',
    dns_names: JSON.stringify(dnsNames),
    search_text: search,
    issuer: leaf?.issuer ?? null,
    not_before: leaf?.notBefore ?? '',
    not_after: leaf?.notAfter ?? '',
    status: row.status,
    findings: findingsColumn(row.findings),
    key_algorithm: leaf?.keyAlgorithm ?? null,
    key_size: leaf?.keySize ?? null,
    curve: leaf?.curve ?? null,
    fingerprint_sha256: leaf?.fingerprintSha256 ?? null,
    serial_number: leaf?.serialNumber ?? null,
    entity_ref: row.entityRef ?? null,
    owner_ref: row.ownerRef ?? null,
    ownership_rule: row.ownershipRule ?? null,
    // Only the portal's own rows carry a stored link (see requestLinks.ts).
    request_id: row.cluster === PORTAL_LOCATION ? row.requestId ?? null : null,
    details: JSON.stringify(row.details),
    chain_pem: row.chainPem ?? null,
    first_seen_at: existing?.first_seen_at ?? now,
    last_seen_at: now,
    changed_at: contentChanged ? now : existing!.changed_at,
    gone_at: null,
  };
}

export function historyFor(
  row: InventoryRow,
  existing: DbRow | undefined,
  now: string,
) {
  const events: Array<{
    certificate_id: string;
    at: string;
    event: string;
    detail: string | null;
  }> = [];
  const fp = row.details.leaf?.fingerprintSha256 ?? null;
  const add = (event: CertificateHistoryEntry['event'], detail?: string) =>
    events.push({
      certificate_id: row.id,
      at: now,
      event,
      detail: detail ?? null,
    });
  if (!existing) {
    add('first-seen', fp ? `fingerprint ${fp}` : row.details.parseError);
    return events;
  }
  if (existing.gone_at) add('returned');
  if (existing.fingerprint_sha256 !== fp) {
    add(
      'changed',
      `fingerprint ${existing.fingerprint_sha256 ?? 'none'} → ${fp ?? 'none'}`,
    );
  }
  if (
    (existing.entity_ref ?? null) !== (row.entityRef ?? null) ||
    (existing.owner_ref ?? null) !== (row.ownerRef ?? null)
  ) {
    add(
      'owner-changed',
      `${existing.entity_ref ?? existing.owner_ref ?? 'unowned'} → ${
        row.entityRef ?? row.ownerRef ?? 'unowned'
      }`,
    );
  }
  return events;
}
