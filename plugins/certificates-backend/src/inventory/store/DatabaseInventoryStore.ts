import { Knex } from 'knex';
import {
  CertificateDetails,
  CertificateListFilter,
  CertificateLocation,
  CertificateListResponse,
  CertificateSummary,
  ClusterSyncStatus,
  CountsResponse,
  readOwnName,
  REQUEST_ID_LABEL,
  TimelineBucket,
} from '@kubecerts/backstage-plugin-certificates-common';
import { transactionOf, UnitOfWork } from '../../database/unitOfWork';
import { isPostgres } from '../../database/postgres';
import {
  isSqlite,
  SqliteCheckpointer,
  SqliteRowWriter,
} from '../../database/sqlite';
import {
  applyListFilter,
  applyPermissionFilter,
  PlannerHints,
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
import {
  BATCH,
  chunks,
  DbRow,
  EXISTING_COLUMNS,
  HISTORY,
  INDEXED_COLUMNS,
  orUndefined,
  SUMMARY_COLUMNS,
  toRow,
  toSummary,
  UPSERT_COLUMNS,
} from './rowMapping';
import { KubernetesObjectsTable } from './KubernetesObjectsTable';
import { selectValues } from './listSql';
import {
  exportCertificates,
  InventoryReadContext,
  listCertificates,
} from './inventoryLists';
import {
  countCertificates,
  expiryTimeline,
  inventoryAggregates,
} from './inventoryAggregates';
import { CLUSTER_LOCATION } from './requestLinks';
import { linkIssuedRequests } from './linkIssued';
import {
  portableMarkGone,
  portableUpsert,
  postgresMarkGone,
  postgresUpsert,
  pruneHistory,
  sqliteMarkGone,
  sqliteUpsert,
} from './inventoryWrites';

/** The inventory in the plugin's database (SQLite or PostgreSQL). */
export class DatabaseInventoryStore implements InventoryStore {
  private readonly sqlite: SqliteRowWriter | undefined;
  /** PostgreSQL, written with its own statements (inventoryWrites.ts). */
  private readonly postgres: boolean;
  /** SQLite, whose planner needs a hint for entity and owner lists. */
  private readonly isSqlite: boolean;
  /**
   * The summary's columns, quoted once for this database: knex quoted the
   * 21 names again on every list, a sixth of a list request's allocations.
   */
  private readonly summaryColumns: Knex.Raw;
  private readonly objects: KubernetesObjectsTable;
  private readonly readContext: InventoryReadContext;

  private constructor(
    private readonly db: Knex,
    /** PostgreSQL writes as named statements (see NAMED in inventoryWrites.ts). */
    private readonly prepared: boolean,
  ) {
    this.isSqlite = isSqlite(db);
    this.postgres = isPostgres(db);
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
    const sqlite = this.sqlite;
    const all = sqlite
      ? (q: Knex.QueryBuilder) => sqlite.all(q)
      : async (q: Knex.QueryBuilder): Promise<DbRow[]> => q;
    this.objects = new KubernetesObjectsTable(db);
    const values = sqlite
      ? (sql: string, bindings: readonly unknown[]) =>
          sqlite.valuesSql(sql, bindings)
      : (sql: string, bindings: readonly unknown[]) =>
          selectValues(db, sql, bindings);
    this.readContext = {
      db,
      all,
      values,
      filtered: (filter, permissionFilter, hints) =>
        this.filtered(filter, permissionFilter, hints),
      summaryColumns: this.summaryColumns,
      isSqlite: this.isSqlite,
      summaries: rows => rows.map(toSummary),
    };
  }

  /**
   * `preparedStatements` (default true): on PostgreSQL, the inventory's
   * writes are named statements, prepared once per connection. False behind a
   * pooler that cannot keep them (PgBouncer in transaction mode before
   * 1.21, or without `max_prepared_statements`).
   */
  static create(options: {
    knex: Knex;
    preparedStatements?: boolean;
  }): DatabaseInventoryStore {
    return new DatabaseInventoryStore(
      options.knex,
      options.preparedStatements ?? true,
    );
  }

  get writesInThisThread(): boolean {
    return this.sqlite !== undefined;
  }

  async upsertCertificates(
    rows: InventoryRow[],
    now: string,
    options: { unitOfWork?: UnitOfWork } = {},
  ): Promise<void> {
    if (rows.length === 0) return;
    const trx = transactionOf(options.unitOfWork);
    // The last write for an id wins within one call.
    const unique =
      rows.length === 1
        ? rows
        : [...new Map(rows.map(r => [r.id, r])).values()];
    if (this.sqlite) {
      const write = sqliteUpsert(unique, now);
      await (trx ? this.sqlite.writeIn(trx, write) : this.sqlite.write(write));
      return;
    }
    if (this.postgres) {
      await postgresUpsert(trx ?? this.db, unique, now, this.prepared);
      return;
    }
    await (trx
      ? portableUpsert(trx, unique, now)
      : this.db.transaction(tx => portableUpsert(tx, unique, now)));
  }

  async markGone(ids: string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    if (this.sqlite) {
      await this.sqlite.write(sqliteMarkGone(ids, now));
      return;
    }
    if (this.postgres) {
      await postgresMarkGone(this.db, ids, now, this.prepared);
      return;
    }
    await this.db.transaction(tx => portableMarkGone(tx, ids, now));
  }

  pruneHistory(before: string, batch?: number): Promise<number> {
    return pruneHistory(this.db, before, batch);
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
    scope: string | { location: CertificateLocation },
    fn: (rows: InventoryRow[]) => Promise<void>,
    batchSize = 500,
  ): Promise<void> {
    // Rows of other locations have no cluster (''), which keeps them on the
    // cluster's index.
    const where =
      typeof scope === 'string'
        ? { cluster: scope, location: CLUSTER_LOCATION }
        : { cluster: '', location: scope.location };
    let after = '';
    for (;;) {
      // The cluster-rows index's order (cluster and gone_at are fixed): by
      // id alone PostgreSQL read and sorted all the cluster's live rows for
      // each page (180 ms a page at 100,000 rows, against 2 ms).
      const rows = await this.db(TABLE)
        .where(where)
        .whereNull('gone_at')
        .where('id', '>', after)
        .orderBy(['cluster', 'gone_at', 'id'])
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

  upsertObjects(
    cluster: string,
    objects: KubernetesObjectRecord[],
  ): Promise<void> {
    return this.objects.upsertObjects(cluster, objects);
  }

  deleteObjects(
    cluster: string,
    keys: Array<{ kind: string; namespace: string; name: string }>,
  ): Promise<void> {
    return this.objects.deleteObjects(cluster, keys);
  }

  listObjects(
    cluster: string,
    kind?: string,
  ): Promise<KubernetesObjectRecord[]> {
    return this.objects.listObjects(cluster, kind);
  }

  private filtered(
    filter: CertificateListFilter,
    permissionFilter?: CertificatePermissionFilter,
    hints?: PlannerHints,
  ) {
    const qb = this.db(TABLE);
    applyListFilter(qb, filter, hints);
    applyPermissionFilter(qb, permissionFilter);
    return qb;
  }

  listCertificates(query: ListQuery): Promise<CertificateListResponse> {
    return listCertificates(this.readContext, query);
  }

  exportCertificates(
    query: Omit<ListQuery, 'limit' | 'cursor'>,
    fn: (rows: CertificateSummary[]) => Promise<void> | void,
  ): Promise<void> {
    return exportCertificates(this.readContext, query, fn);
  }

  async getSummaries(
    ids: string[],
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CertificateSummary[]> {
    const out: CertificateSummary[] = [];
    for (const batch of chunks([...new Set(ids)], BATCH)) {
      const q = this.db(TABLE).select(this.summaryColumns).whereIn('id', batch);
      applyPermissionFilter(q, permissionFilter);
      out.push(...(await q).map(toSummary));
    }
    return out;
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
    const [history, usage] = await Promise.all([
      this.db(HISTORY).where({ certificate_id: id }).orderBy('seq', 'asc'),
      this.objects.usageOf({
        cluster: row.cluster,
        namespace: row.namespace,
        secretName: row.secret_name,
      }),
    ]);
    const summary = toSummary(row);
    const claimed: string | undefined = row.labels
      ? readOwnName(JSON.parse(row.labels), REQUEST_ID_LABEL)
      : undefined;
    return {
      ...summary,
      claimedRequestId:
        claimed && claimed !== summary.requestId ? claimed : undefined,
      leaf: details.leaf,
      chain: details.chain,
      findingDetails: details.findingDetails,
      ownership: {
        entityRef: orUndefined(row.entity_ref),
        ownerRef: orUndefined(row.owner_ref),
        rule: orUndefined(row.ownership_rule),
      },
      usedBy: usage.usedBy,
      certManager: usage.certManager,
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

  counts(
    filter: CertificateListFilter,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CountsResponse> {
    return countCertificates(this.readContext, filter, now, permissionFilter);
  }

  timeline(
    filter: CertificateListFilter,
    weeks: number,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<TimelineBucket[]> {
    return expiryTimeline(
      this.readContext,
      filter,
      weeks,
      now,
      permissionFilter,
    );
  }

  linkIssued(requestIds?: string[]): Promise<number> {
    return linkIssuedRequests(this.db, requestIds);
  }

  aggregates() {
    return inventoryAggregates(this.db);
  }

  setClusterStatus(update: ClusterStatusUpdate): Promise<void> {
    return this.objects.setClusterStatus(update);
  }

  listClusters(): Promise<ClusterSyncStatus[]> {
    return this.objects.listClusters();
  }
}
