import { Knex } from 'knex';
import {
  CertificateDetails,
  CertificateHistoryEntry,
  CertificateListFilter,
  CertificateListResponse,
  CertificateStatus,
  CertificateSummary,
  CertManagerInfo,
  CertificateUsage,
  ClusterSyncStatus,
  CountsResponse,
  FindingKind,
  KeyAlgorithm,
  OwnershipRule,
  TimelineBucket,
} from '@internal/plugin-certificates-common';
import { isSqlite, SqliteCheckpointer } from '../../database';
import {
  applyCursor,
  applyListOrder,
  applyListFilter,
  applyPermissionFilter,
  decodeCursor,
  encodeCursor,
  SORT_COLUMNS,
  TABLE,
} from './queryFilters';
import {
  CertificatePermissionFilter,
  ClusterStatusUpdate,
  InventoryRow,
  InventoryRowDetails,
  InventoryStore,
  KubernetesObjectRecord,
  ListQuery,
  RowVersion,
} from './types';
import { SqliteRowWriter, WriteOps } from './SqliteRowWriter';

const HISTORY = 'certificates_inventory_history';
const OBJECTS = 'certificates_k8s_objects';
const REFS = 'certificates_k8s_refs';
const CLUSTERS = 'certificates_clusters';

/** Rows per statement; SQLite limits bound parameters. */
const BATCH = 500;
/** Narrower batches for the wide inventory rows (≈30 columns each). */
const ROW_BATCH = 250;

const SUMMARY_COLUMNS = [
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
  'entity_ref',
  'owner_ref',
  'request_id',
  'gone_at',
  'first_seen_at',
  'last_seen_at',
];

type DbRow = Record<string, any>;

/** Columns written by an upsert, in the order of toDb. */
const UPSERT_COLUMNS = Object.keys(
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
const EXISTING_COLUMNS = [
  'id',
  'fingerprint_sha256',
  'status',
  'findings',
  'entity_ref',
  'owner_ref',
  'gone_at',
  'first_seen_at',
  'changed_at',
  'request_id',
];

/**
 * The inventory's columns that are in one of its indexes (see the
 * migrations). The SQLite writer compares these with the stored row and
 * rewrites only those that changed; the others it writes unread. A column
 * missing here is only written every time, which is correct, only slower.
 */
const INDEXED_COLUMNS = [
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
function upsertSql(rowCount: number): string {
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

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

function findingsColumn(findings: FindingKind[]): string {
  return findings.length ? `,${findings.join(',')},` : '';
}

function parseFindings(value: string | null): FindingKind[] {
  return value ? (value.split(',').filter(Boolean) as FindingKind[]) : [];
}

const orUndefined = <T>(v: T | null | undefined | ''): T | undefined =>
  v === null || v === undefined || v === '' ? undefined : (v as T);

function toSummary(r: DbRow): CertificateSummary {
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
    requestId: orUndefined(r.request_id),
    goneAt: orUndefined(r.gone_at),
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

function toRow(r: DbRow): InventoryRow {
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
    requestId: orUndefined(r.request_id),
    details: JSON.parse(r.details),
    chainPem: orUndefined(r.chain_pem),
    goneAt: orUndefined(r.gone_at),
  };
}

function toDb(row: InventoryRow, now: string, existing?: DbRow) {
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
    request_id: row.requestId ?? existing?.request_id ?? null,
    details: JSON.stringify(row.details),
    chain_pem: row.chainPem ?? null,
    first_seen_at: existing?.first_seen_at ?? now,
    last_seen_at: now,
    changed_at: contentChanged ? now : existing!.changed_at,
    gone_at: null,
  };
}

function historyFor(
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

/** The inventory in the plugin's database (SQLite or PostgreSQL). */
export class DatabaseInventoryStore implements InventoryStore {
  private readonly sqlite: SqliteRowWriter | undefined;
  /** SQLite, whose planner needs a hint for entity and owner lists. */
  private readonly isSqlite: boolean;
  /**
   * The summary's columns, quoted once for this database: knex quoted the
   * 21 names again on every list, a sixth of a list request's allocations.
   */
  private readonly summaryColumns: Knex.Raw;

  private constructor(private readonly db: Knex) {
    this.isSqlite = isSqlite(db);
    this.summaryColumns = db.raw(
      db
        .select(SUMMARY_COLUMNS)
        .toSQL()
        .sql.replace(/^select /, ''),
    );
    this.sqlite = SqliteRowWriter.forKnex({
      knex: db,
      table: TABLE,
      historyTable: HISTORY,
      columns: UPSERT_COLUMNS,
      // History and first-seen, and the indexed columns: an update rewrites
      // an index only when its columns changed.
      existingColumns: [...new Set([...EXISTING_COLUMNS, ...INDEXED_COLUMNS])],
    });
    // Keeps WAL checkpoints out of the commits of a SQLite file.
    if (this.sqlite) SqliteCheckpointer.forKnex(db);
  }

  static create(options: { knex: Knex }): DatabaseInventoryStore {
    return new DatabaseInventoryStore(options.knex);
  }

  async upsertCertificates(
    rows: InventoryRow[],
    now: string,
    options: { transaction?: Knex.Transaction } = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    const trx = options.transaction;
    // The last write for an id wins within one call.
    const unique =
      rows.length === 1
        ? rows
        : [...new Map(rows.map(r => [r.id, r])).values()];
    if (this.sqlite) {
      const write = (ops: WriteOps) => {
        for (const row of unique) {
          const existing = ops.existing(row.id);
          const record = toDb(row, now, existing) as DbRow;
          ops.upsert(
            UPSERT_COLUMNS.map(c => record[c]),
            existing,
          );
          for (const h of historyFor(row, existing, now)) ops.history(h);
        }
      };
      await (trx ? this.sqlite.writeIn(trx, write) : this.sqlite.write(write));
      return;
    }
    const upsert = async (tx: Knex.Transaction) => {
      for (const batch of chunks(unique, ROW_BATCH)) {
        const existing = new Map<string, DbRow>(
          (
            await tx(TABLE)
              .select(EXISTING_COLUMNS)
              .whereIn(
                'id',
                batch.map(r => r.id),
              )
          ).map((r: DbRow) => [r.id, r]),
        );
        const records = batch.map(r => toDb(r, now, existing.get(r.id)));
        const history = batch.flatMap(r =>
          historyFor(r, existing.get(r.id), now),
        );
        await tx.raw(
          upsertSql(records.length),
          records.flatMap(r => UPSERT_COLUMNS.map(c => (r as DbRow)[c])),
        );
        for (const h of chunks(history, BATCH)) {
          await tx(HISTORY).insert(h);
        }
      }
    };
    await (trx ? upsert(trx) : this.db.transaction(upsert));
  }

  async markGone(ids: string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    if (this.sqlite) {
      await this.sqlite.write(ops => {
        for (const id of new Set(ids)) {
          if (ops.gone(id, now)) {
            ops.history({
              certificate_id: id,
              at: now,
              event: 'gone',
              detail: null,
            });
          }
        }
      });
      return;
    }
    await this.db.transaction(async tx => {
      for (const batch of chunks(ids, BATCH)) {
        const live: string[] = (
          await tx(TABLE).select('id').whereIn('id', batch).whereNull('gone_at')
        ).map((r: DbRow) => r.id);
        if (live.length === 0) continue;
        await tx(TABLE)
          .whereIn('id', live)
          .update({ gone_at: now, changed_at: now });
        await tx(HISTORY).insert(
          live.map(id => ({
            certificate_id: id,
            at: now,
            event: 'gone',
            detail: null,
          })),
        );
      }
    });
  }

  async listLiveVersions(cluster: string): Promise<RowVersion[]> {
    const rows = await this.db(TABLE)
      .select('id', 'resource_version')
      .where({ cluster })
      .whereNull('gone_at');
    return rows.map((r: DbRow) => ({
      id: r.id,
      resourceVersion: orUndefined(r.resource_version),
    }));
  }

  async touchCluster(
    cluster: string,
    now: string,
    seenBefore?: string,
  ): Promise<void> {
    const q = this.db(TABLE).where({ cluster }).whereNull('gone_at');
    if (seenBefore) q.where('last_seen_at', '<', seenBefore);
    await q.update({ last_seen_at: now });
  }

  async forEachRow(
    cluster: string,
    fn: (rows: InventoryRow[]) => Promise<void>,
    batchSize = 500,
  ): Promise<void> {
    let after = '';
    for (;;) {
      const rows = await this.db(TABLE)
        .where({ cluster })
        .whereNull('gone_at')
        .where('id', '>', after)
        .orderBy('id')
        .limit(batchSize);
      if (rows.length === 0) return;
      await fn(rows.map(toRow));
      after = rows[rows.length - 1].id;
      // Embedded SQLite answers synchronously: give the event loop a turn
      // between pages, or a walk over a large cluster would hold up every
      // HTTP request until it ends.
      await new Promise(resolve => setImmediate(resolve));
    }
  }

  async getRows(ids: string[]): Promise<InventoryRow[]> {
    const out: InventoryRow[] = [];
    for (const batch of chunks(ids, BATCH)) {
      out.push(...(await this.db(TABLE).whereIn('id', batch)).map(toRow));
    }
    return out;
  }

  async upsertObjects(
    cluster: string,
    objects: KubernetesObjectRecord[],
  ): Promise<void> {
    if (objects.length === 0) return;
    await this.db.transaction(async tx => {
      for (const batch of chunks(objects, 100)) {
        await this.deleteRefs(tx, cluster, batch);
        await tx(OBJECTS)
          .insert(
            batch.map(o => ({
              cluster,
              kind: o.kind,
              namespace: o.namespace,
              name: o.name,
              resource_version: o.resourceVersion ?? null,
              labels: o.labels ? JSON.stringify(o.labels) : null,
              data: JSON.stringify(o.data),
            })),
          )
          .onConflict(['cluster', 'kind', 'namespace', 'name'])
          .merge(['resource_version', 'labels', 'data']);
        const refs = batch.flatMap(o =>
          // one row per referenced Secret, even when listed twice
          [
            ...new Map(
              o.refs.map(r => [`${r.secretNamespace}/${r.secretName}`, r]),
            ).values(),
          ].map(r => ({
            cluster,
            kind: o.kind,
            namespace: o.namespace,
            name: o.name,
            secret_namespace: r.secretNamespace,
            secret_name: r.secretName,
            hosts: JSON.stringify(r.hosts),
          })),
        );
        for (const b of chunks(refs, BATCH)) await tx(REFS).insert(b);
      }
    });
  }

  private async deleteRefs(
    tx: Knex,
    cluster: string,
    keys: Array<{ kind: string; namespace: string; name: string }>,
  ) {
    for (const k of keys) {
      await tx(REFS)
        .where({ cluster, kind: k.kind, namespace: k.namespace, name: k.name })
        .delete();
    }
  }

  async deleteObjects(
    cluster: string,
    keys: Array<{ kind: string; namespace: string; name: string }>,
  ): Promise<void> {
    if (keys.length === 0) return;
    await this.db.transaction(async tx => {
      await this.deleteRefs(tx, cluster, keys);
      for (const k of keys) {
        await tx(OBJECTS)
          .where({
            cluster,
            kind: k.kind,
            namespace: k.namespace,
            name: k.name,
          })
          .delete();
      }
    });
  }

  async listObjects(
    cluster: string,
    kind?: string,
  ): Promise<KubernetesObjectRecord[]> {
    const q = this.db(OBJECTS).where({ cluster });
    if (kind) q.andWhere({ kind });
    const objects: DbRow[] = await q;
    const refQ = this.db(REFS).where({ cluster });
    if (kind) refQ.andWhere({ kind });
    const refs: DbRow[] = await refQ;
    const byKey = new Map<string, KubernetesObjectRecord>();
    for (const o of objects) {
      byKey.set(`${o.kind}/${o.namespace}/${o.name}`, {
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
        resourceVersion: orUndefined(o.resource_version),
        labels: o.labels ? JSON.parse(o.labels) : undefined,
        data: JSON.parse(o.data),
        refs: [],
      });
    }
    for (const r of refs) {
      byKey.get(`${r.kind}/${r.namespace}/${r.name}`)?.refs.push({
        secretNamespace: r.secret_namespace,
        secretName: r.secret_name,
        hosts: JSON.parse(r.hosts),
      });
    }
    return [...byKey.values()];
  }

  private filtered(
    filter: CertificateListFilter,
    permissionFilter?: CertificatePermissionFilter,
  ) {
    const qb = this.db(TABLE);
    applyListFilter(qb, filter);
    applyPermissionFilter(qb, permissionFilter);
    return qb;
  }

  async listCertificates(query: ListQuery): Promise<CertificateListResponse> {
    const column = SORT_COLUMNS[query.sort ?? 'notAfter'];
    const order = query.order ?? 'asc';
    const page = this.filtered(query.filter, query.permissionFilter).select(
      this.summaryColumns,
    );
    if (query.cursor)
      applyCursor(page, column, order, decodeCursor(query.cursor));
    applyListOrder(page, {
      column,
      order,
      filter: query.filter,
      permissionFilter: query.permissionFilter,
      sqlite: this.isSqlite,
    }).limit(query.limit + 1);
    const rows: DbRow[] = this.sqlite
      ? await this.sqlite.all(page)
      : await page;
    // A first page that holds everything is its own count (an entity's list
    // mostly is): the count query would double the work of the request.
    let count = rows.length;
    if (query.cursor || rows.length > query.limit) {
      const countQuery = this.filtered(
        query.filter,
        query.permissionFilter,
      ).count({ count: '*' });
      const [counted] = this.sqlite
        ? await this.sqlite.all(countQuery)
        : await countQuery;
      count = Number(counted.count);
    }
    const items = rows.slice(0, query.limit).map(toSummary);
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return {
      items,
      totalCount: count,
      nextCursor: last
        ? encodeCursor({ value: String(last[column] ?? ''), id: last.id })
        : undefined,
    };
  }

  async exportCertificates(
    query: Omit<ListQuery, 'limit' | 'cursor'>,
    fn: (rows: CertificateSummary[]) => Promise<void> | void,
  ): Promise<void> {
    const column = SORT_COLUMNS[query.sort ?? 'notAfter'];
    const order = query.order ?? 'asc';
    let cursor: { value: string; id: string } | undefined;
    for (;;) {
      const page = this.filtered(query.filter, query.permissionFilter).select(
        this.summaryColumns,
      );
      if (cursor) applyCursor(page, column, order, cursor);
      const rows: DbRow[] = await applyListOrder(page, {
        column,
        order,
        filter: query.filter,
        permissionFilter: query.permissionFilter,
        sqlite: this.isSqlite,
      }).limit(1000);
      if (rows.length === 0) return;
      await fn(rows.map(toSummary));
      const last = rows[rows.length - 1];
      cursor = { value: String(last[column] ?? ''), id: last.id };
      if (rows.length < 1000) return;
    }
  }

  async getCertificate(
    id: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CertificateDetails | undefined> {
    const q = this.db(TABLE).where({ id });
    applyPermissionFilter(q, permissionFilter);
    const row: DbRow | undefined = await q.first();
    if (!row) return undefined;
    const details: InventoryRowDetails = JSON.parse(row.details);
    const [history, refs] = await Promise.all([
      this.db(HISTORY).where({ certificate_id: id }).orderBy('seq', 'asc'),
      this.db(REFS)
        .join(OBJECTS, join =>
          join
            .on(`${OBJECTS}.cluster`, `${REFS}.cluster`)
            .andOn(`${OBJECTS}.kind`, `${REFS}.kind`)
            .andOn(`${OBJECTS}.namespace`, `${REFS}.namespace`)
            .andOn(`${OBJECTS}.name`, `${REFS}.name`),
        )
        .where({
          [`${REFS}.cluster`]: row.cluster,
          [`${REFS}.secret_namespace`]: row.namespace,
          [`${REFS}.secret_name`]: row.secret_name,
        })
        .select(
          `${REFS}.kind`,
          `${REFS}.namespace`,
          `${REFS}.name`,
          `${REFS}.hosts`,
          `${OBJECTS}.data`,
        ),
    ]);
    const usedBy: CertificateUsage[] = [];
    let certManager: CertManagerInfo | undefined;
    for (const r of refs as DbRow[]) {
      if (r.kind === 'Ingress' || r.kind === 'Gateway') {
        usedBy.push({
          kind: r.kind,
          namespace: r.namespace,
          name: r.name,
          hosts: JSON.parse(r.hosts),
        });
      } else if (r.kind === 'Certificate' && !certManager) {
        certManager = JSON.parse(r.data).certManager as
          | CertManagerInfo
          | undefined;
      }
    }
    return {
      ...toSummary(row),
      leaf: details.leaf,
      chain: details.chain,
      findingDetails: details.findingDetails,
      ownership: {
        entityRef: orUndefined(row.entity_ref),
        ownerRef: orUndefined(row.owner_ref),
        rule: orUndefined(row.ownership_rule),
      },
      usedBy,
      certManager,
      parseError: details.parseError,
      history: (history as DbRow[]).map(h => ({
        at: h.at,
        event: h.event,
        detail: orUndefined(h.detail),
      })),
    };
  }

  async getChainPem(
    id: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<string | undefined> {
    const q = this.db(TABLE).where({ id }).select('chain_pem');
    applyPermissionFilter(q, permissionFilter);
    const row = await q.first();
    return row ? orUndefined(row.chain_pem) ?? '' : undefined;
  }

  async counts(
    filter: CertificateListFilter,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CountsResponse> {
    // One pass over the covering counts index gives status, findings,
    // cluster and owner together; the issuer has its own covering index.
    // The grouping is not listed in the index's column order: SQLite still
    // walks the index for it unfiltered, but without table statistics a
    // matching order would make it prefer that index over a selective one
    // (an entity's or owner's) when the counts are filtered.
    const [combos, byIssuer, nearest] = await Promise.all([
      this.filtered(filter, permissionFilter)
        .select('status', 'cluster', 'owner_ref', 'findings')
        .count({ count: '*' })
        .groupBy('findings', 'owner_ref', 'cluster', 'status') as Promise<
        DbRow[]
      >,
      this.filtered(filter, permissionFilter)
        .select('issuer')
        .count({ count: '*' })
        .groupBy('issuer')
        .orderBy('count', 'desc')
        .limit(20) as Promise<DbRow[]>,
      applyListOrder(
        this.filtered(filter, permissionFilter)
          .select(this.summaryColumns)
          .where('not_after', '>', now),
        {
          column: 'not_after',
          order: 'asc',
          filter,
          permissionFilter,
          sqlite: this.isSqlite,
        },
      ).first(),
    ]);
    const sum = (key: (r: DbRow) => string | null) => {
      const totals = new Map<string | null, number>();
      for (const r of combos) {
        totals.set(key(r), (totals.get(key(r)) ?? 0) + Number(r.count));
      }
      return [...totals]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count);
    };
    const out: CountsResponse = {
      total: 0,
      byStatus: {},
      byFinding: {},
      byCluster: sum(r => r.cluster).map(g => ({
        cluster: g.value as string,
        count: g.count,
      })),
      byIssuer: byIssuer
        .filter(r => r.issuer)
        .map(r => ({ issuer: r.issuer, count: Number(r.count) })),
      byOwner: sum(r => r.owner_ref ?? null)
        .slice(0, 50)
        .map(g => ({ owner: g.value, count: g.count })),
      nearestExpiry: nearest ? toSummary(nearest) : undefined,
    };
    for (const g of sum(r => r.status)) {
      out.byStatus[g.value as CertificateStatus] = g.count;
      out.total += g.count;
    }
    const byFindings = sum(r => r.findings).map(g => ({
      findings: g.value,
      count: g.count,
    }));
    for (const r of byFindings) {
      for (const f of parseFindings(r.findings)) {
        out.byFinding[f] = (out.byFinding[f] ?? 0) + Number(r.count);
      }
    }
    return out;
  }

  async timeline(
    filter: CertificateListFilter,
    weeks: number,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<TimelineBucket[]> {
    // Weeks start on Monday, 00:00 UTC.
    const start = new Date(now);
    start.setUTCHours(0, 0, 0, 0);
    start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
    const WEEK = 7 * 24 * 60 * 60 * 1000;
    const end = new Date(start.getTime() + weeks * WEEK);
    const buckets: TimelineBucket[] = Array.from({ length: weeks }, (_, i) => ({
      weekStart: new Date(start.getTime() + i * WEEK).toISOString(),
      byStatus: {},
      total: 0,
    }));
    const day = this.db.raw('substr(not_after, 1, 10)');
    const rows: DbRow[] = await this.filtered(filter, permissionFilter)
      .select({ day, status: 'status' })
      .count({ count: '*' })
      .where('not_after', '>=', start.toISOString())
      .where('not_after', '<', end.toISOString())
      .groupByRaw('substr(not_after, 1, 10), status');
    for (const r of rows) {
      const index = Math.floor(
        (Date.parse(`${r.day}T00:00:00Z`) - start.getTime()) / WEEK,
      );
      const bucket = buckets[index];
      if (!bucket) continue;
      const status = r.status as CertificateStatus;
      bucket.byStatus[status] =
        (bucket.byStatus[status] ?? 0) + Number(r.count);
      bucket.total += Number(r.count);
    }
    return buckets;
  }

  async aggregates() {
    const [byStatus, earliest] = await Promise.all([
      this.db(TABLE)
        .whereNull('gone_at')
        .select('cluster', 'status')
        .count({ count: '*' })
        .groupBy('cluster', 'status') as Promise<DbRow[]>,
      this.db(TABLE)
        .whereNull('gone_at')
        .where('not_after', '>', '')
        .select('cluster')
        .min({ notAfter: 'not_after' })
        .groupBy('cluster') as Promise<DbRow[]>,
    ]);
    return {
      byClusterAndStatus: byStatus.map(r => ({
        cluster: r.cluster,
        status: r.status as CertificateStatus,
        count: Number(r.count),
      })),
      earliestExpiry: earliest.map(r => ({
        cluster: r.cluster,
        notAfter: r.notAfter,
      })),
    };
  }

  async setClusterStatus(update: ClusterStatusUpdate): Promise<void> {
    const record: DbRow = {
      name: update.name,
      simulated: update.simulated,
      state: update.state,
    };
    if (update.lastSyncAt !== undefined)
      record.last_sync_at = update.lastSyncAt;
    if (update.lastAttemptAt !== undefined)
      record.last_attempt_at = update.lastAttemptAt;
    record.degraded_reason = update.degradedReason ?? null;
    await this.db(CLUSTERS).insert(record).onConflict('name').merge();
  }

  async listClusters(): Promise<ClusterSyncStatus[]> {
    const [clusters, counts] = await Promise.all([
      this.db(CLUSTERS).orderBy('name'),
      this.db(TABLE)
        .whereNull('gone_at')
        .select('cluster')
        .count({ count: '*' })
        .groupBy('cluster'),
    ]);
    const byCluster = new Map(
      (counts as DbRow[]).map(c => [c.cluster, Number(c.count)]),
    );
    return (clusters as DbRow[]).map(c => ({
      name: c.name,
      simulated: Boolean(c.simulated),
      state: c.state,
      lastSyncAt: orUndefined(c.last_sync_at),
      lastAttemptAt: orUndefined(c.last_attempt_at),
      degradedReason: orUndefined(c.degraded_reason),
      certificateCount: byCluster.get(c.name) ?? 0,
    }));
  }
}
