import {
  CertificateHistoryEntry,
  CertificateStatus,
  CertificateSummary,
  FindingKind,
  KeyAlgorithm,
  OwnershipRule,
} from '@kubecerts/backstage-plugin-certificates-common';
import { TABLE } from './queryFilters';
import { CLUSTER_LOCATION, PORTAL_LOCATION } from './requestLinks';
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

/** Where a certificate is kept and the names it is for. */
export const PLACE_COLUMNS = [
  'id',
  'location',
  'cluster',
  'namespace',
  'secret_name',
  'common_name',
  'dns_names',
];

export const SUMMARY_COLUMNS = [
  ...PLACE_COLUMNS,
  'issuer',
  'not_before',
  'not_after',
  'status',
  'findings',
  'key_algorithm',
  'key_size',
  'curve',
  'fingerprint_sha256',
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
  // a proven link is kept while the certificate stays the same
  'location',
  'request_id',
];

/**
 * The inventory's columns that are in one of its indexes (see the
 * migrations). The SQLite writer compares these with the stored row and
 * rewrites only those that changed; the others it writes unread. A column
 * missing here is only written every time, which is correct, only slower.
 */
export const INDEXED_COLUMNS = [
  'id',
  'location',
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

/** Each summary column's place in SUMMARY_COLUMNS. */
const AT = Object.fromEntries(SUMMARY_COLUMNS.map((c, i) => [c, i])) as Record<
  string,
  number
>;
const I = {
  id: AT.id,
  location: AT.location,
  cluster: AT.cluster,
  namespace: AT.namespace,
  secretName: AT.secret_name,
  commonName: AT.common_name,
  dnsNames: AT.dns_names,
  issuer: AT.issuer,
  notBefore: AT.not_before,
  notAfter: AT.not_after,
  status: AT.status,
  findings: AT.findings,
  keyAlgorithm: AT.key_algorithm,
  keySize: AT.key_size,
  curve: AT.curve,
  fingerprint: AT.fingerprint_sha256,
  entityRef: AT.entity_ref,
  ownerRef: AT.owner_ref,
  requestId: AT.request_id,
  goneAt: AT.gone_at,
  firstSeenAt: AT.first_seen_at,
  lastSeenAt: AT.last_seen_at,
};

/**
 * A summary from a row's SUMMARY_COLUMNS values, in that order (as a list
 * reads them, without an object per row in between).
 *
 * The request stored with a row: for the portal's own rows, the one the
 * issuer answered; for any other row, the one its certificate proved when
 * the row was written (requestLinks.ts), never one taken from a label.
 */
export function summaryOf(v: readonly any[]): CertificateSummary {
  const location = v[I.location];
  return {
    id: v[I.id],
    location,
    // Only rows found in a cluster have one.
    cluster: location === CLUSTER_LOCATION ? v[I.cluster] : undefined,
    namespace: v[I.namespace],
    secretName: v[I.secretName],
    commonName: orUndefined(v[I.commonName]),
    dnsNames: JSON.parse(v[I.dnsNames]),
    issuer: orUndefined(v[I.issuer]),
    notBefore: orUndefined(v[I.notBefore]),
    notAfter: orUndefined(v[I.notAfter]),
    status: v[I.status] as CertificateStatus,
    findings: parseFindings(v[I.findings]),
    keyAlgorithm: orUndefined<KeyAlgorithm>(v[I.keyAlgorithm]),
    keySize: orUndefined(v[I.keySize]),
    curve: orUndefined(v[I.curve]),
    fingerprintSha256: orUndefined(v[I.fingerprint]),
    entityRef: orUndefined(v[I.entityRef]),
    ownerRef: orUndefined(v[I.ownerRef]),
    requestId: orUndefined(v[I.requestId]),
    goneAt: orUndefined(v[I.goneAt]),
    firstSeenAt: v[I.firstSeenAt],
    lastSeenAt: v[I.lastSeenAt],
  };
}

/** A summary from a row read as an object. */
export function toSummary(r: DbRow): CertificateSummary {
  return summaryOf(SUMMARY_COLUMNS.map(c => r[c]));
}

export function toRow(r: DbRow): InventoryRow {
  return {
    id: r.id,
    location: r.location,
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
    requestId: orUndefined(r.request_id),
    details: JSON.parse(r.details),
    chainPem: orUndefined(r.chain_pem),
    goneAt: orUndefined(r.gone_at),
  };
}

/**
 * The columns of toDb that decide a row's request link (requestLinks.ts).
 * A write proves links from these alone before it maps each whole row, so
 * that a batch's full records (details JSON) never live all at once.
 */
export function linkColumns(row: InventoryRow) {
  const leaf = row.details.leaf;
  return {
    id: row.id,
    location: row.location ?? CLUSTER_LOCATION,
    cluster: row.cluster,
    namespace: row.namespace,
    secret_name: row.secretName,
    fingerprint_sha256: leaf?.fingerprintSha256 ?? null,
    serial_number: leaf?.serialNumber ?? null,
    // The portal's own rows carry the request they were written for; the
    // others only what their certificate proves (requestLinks.ts).
    request_id: row.location === PORTAL_LOCATION ? row.requestId ?? null : null,
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
    ...linkColumns(row),
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
    entity_ref: row.entityRef ?? null,
    owner_ref: row.ownerRef ?? null,
    ownership_rule: row.ownershipRule ?? null,
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
