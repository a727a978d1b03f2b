import { Knex } from 'knex';
import { SqliteCheckpointer } from './SqliteCheckpointer';
import { cacheStatements } from './sqliteStatementCache';

/** The parts of a better-sqlite3 connection used here. */
interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  raw(on: boolean): SqliteStatement;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T;
}

type DbRow = Record<string, any>;

/** The row's rowid in what `existing` returns. */
const ROWID = '__rowid';

/**
 * One transaction function per connection: better-sqlite3 builds a wrapper
 * (and its BEGIN/COMMIT handling) for each `transaction()` call, which cost
 * a watch event's commit about 20 µs when built anew every time.
 */
const runners = new WeakMap<SqliteConnection, <T>(body: () => T) => T>();

function runnerFor(conn: SqliteConnection): <T>(body: () => T) => T {
  let run = runners.get(conn);
  if (!run) {
    run = conn.transaction((body: () => unknown) => body()) as <T>(
      body: () => T,
    ) => T;
    runners.set(conn, run);
  }
  return run;
}

/** Booleans and dates as knex's better-sqlite3 client binds them. */
function sqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return Number(value);
  if (value instanceof Date) return value.valueOf();
  return value;
}

/** One history record (certificate id, time, event, detail). */
export interface HistoryRecord {
  certificate_id: string;
  at: string;
  event: string;
  detail: string | null;
}

/** What a write transaction can do. */
export interface WriteOps {
  existing(id: string): DbRow | undefined;
  /**
   * Inserts a row, or updates the columns that differ from `existing` (the
   * row as `existing()` read it): an index whose columns did not change is
   * not rewritten, and each rewritten index is a page more in the commit.
   */
  upsert(values: unknown[], existing?: DbRow): void;
  history(record: HistoryRecord): void;
  /** Marks a live row gone; false when it was already gone or absent. */
  gone(id: string, now: string): boolean;
  /** Runs a select in the transaction (e.g. what a row proves, see requestLinks.ts). */
  select(sql: string, bindings: readonly unknown[]): DbRow[];
}

export interface SqliteRowWriterOptions {
  knex: Knex;
  table: string;
  historyTable: string;
  /** Columns of an upsert, in the order `values` returns them. */
  columns: string[];
  /**
   * Columns read before an upsert: those that decide history and first-seen,
   * and every column that is in an index (an update rewrites those only when
   * they changed). The other columns are written as they come, unread: the
   * row's record is rewritten by any update anyway, and reading its large
   * text columns back only to compare them cost a watch event more than
   * writing them.
   */
  existingColumns: string[];
}

/**
 * Inventory row writes on embedded SQLite, as prepared statements in one
 * synchronous transaction on the pool's connection. Through the query
 * builder, a single watch event cost a millisecond of statement building
 * and promise hops for a few tens of microseconds of database work; batches
 * pay the same per row. Used only for better-sqlite3; other databases go
 * through knex.
 */
export class SqliteRowWriter {
  /** The fixed statements' SQL, built once. */
  private readonly sql: Record<
    'existing' | 'upsert' | 'history' | 'gone',
    string
  >;

  private constructor(private readonly options: SqliteRowWriterOptions) {
    const { table, historyTable, columns, existingColumns } = options;
    const q = (c: string) => `"${c}"`;
    const updates = columns
      .filter(c => c !== 'id' && c !== 'first_seen_at')
      .map(c => `${q(c)} = excluded.${q(c)}`)
      .join(', ');
    this.sql = {
      // The rowid lets the update find the row without the id index.
      existing: `select "rowid" as "${ROWID}", ${existingColumns
        .map(q)
        .join(', ')} from ${q(table)} where "id" = ?`,
      upsert: `insert into ${q(table)} (${columns
        .map(q)
        .join(', ')}) values (${columns
        .map(() => '?')
        .join(', ')}) on conflict ("id") do update set ${updates}`,
      history: `insert into ${q(
        historyTable,
      )} ("certificate_id", "at", "event", "detail") values (?, ?, ?, ?)`,
      gone: `update ${q(
        table,
      )} set "gone_at" = ?, "changed_at" = ? where "id" = ? and "gone_at" is null`,
    };
  }

  /** A statement for `sql`, prepared once per connection (cacheStatements). */
  private static prepare(conn: SqliteConnection, sql: string): SqliteStatement {
    cacheStatements(conn);
    return conn.prepare(sql);
  }

  /**
   * Runs a select built with knex as a cached prepared statement, without
   * knex's execution path (promise hops and result post-processing).
   */
  async all(query: Knex.QueryBuilder): Promise<DbRow[]> {
    const { sql, bindings } = query.toSQL().toNative();
    return this.allSql(sql, bindings);
  }

  /** A select given as SQL text with `?` placeholders (no query builder). */
  async allSql(sql: string, bindings: readonly unknown[]): Promise<DbRow[]> {
    return this.allOn(conn =>
      SqliteRowWriter.prepare(conn, sql).all(bindings.map(sqliteValue)),
    ) as Promise<DbRow[]>;
  }

  /**
   * A select's rows as arrays of values in the order of its columns: a
   * list's rows are mapped once, without an object per row in between.
   */
  async valuesSql(
    sql: string,
    bindings: readonly unknown[],
  ): Promise<unknown[][]> {
    return this.allOn(conn => {
      // Statements are shared by their SQL text: back to objects after.
      const statement = SqliteRowWriter.prepare(conn, sql).raw(true);
      try {
        return statement.all(bindings.map(sqliteValue)) as unknown[][];
      } finally {
        statement.raw(false);
      }
    });
  }

  private async allOn<T>(run: (conn: SqliteConnection) => T): Promise<T> {
    // Synchronous on a free connection, as write() does: no acquire and
    // release (their promises and timers were a tenth of a list request's
    // allocations, and garbage is what makes the latency tail).
    const free = this.freeConnection();
    if (free) return run(free);
    const client = this.options.knex.client;
    const conn: SqliteConnection = await client.acquireConnection();
    try {
      return run(conn);
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /** A writer when `knex` is a better-sqlite3 client outside a transaction. */
  static forKnex(options: SqliteRowWriterOptions): SqliteRowWriter | undefined {
    const knex = options.knex;
    const client = String(knex.client?.config?.client ?? '');
    if (client !== 'better-sqlite3' || knex.isTransaction) return undefined;
    return new SqliteRowWriter(options);
  }

  /**
   * Runs `fn` in one transaction with statements that read existing rows,
   * upsert rows, append history and mark rows gone; first, if the log has
   * grown past its limit, after the checkpointer has copied all of it.
   */
  async write<T>(fn: (ops: WriteOps) => T): Promise<T> {
    const pause = SqliteCheckpointer.pauseFor(this.options.knex);
    if (pause) await pause;
    const free = this.freeConnection();
    if (free) return this.transaction(free, fn);
    const client = this.options.knex.client;
    const conn: SqliteConnection = await client.acquireConnection();
    try {
      return this.transaction(conn, fn);
    } finally {
      await client.releaseConnection(conn);
    }
  }

  /**
   * Runs `fn` inside the caller's knex transaction, on the connection it
   * holds (nested as a savepoint): the rows commit with the caller's writes.
   */
  async writeIn<T>(
    trx: Knex.Transaction,
    fn: (ops: WriteOps) => T,
  ): Promise<T> {
    const conn: SqliteConnection = await trx.client.acquireConnection();
    return this.transaction(conn, fn);
  }

  /**
   * The pool's connection when nobody holds it. better-sqlite3 runs
   * synchronously, so a transaction run on it here, start to commit, cannot
   * interleave with another user; a knex transaction keeps its connection
   * acquired across its awaits, and the connection is then not free. Saves
   * the pool's acquire and release (a timer and several promise hops) on
   * each watch event's way to its commit.
   */
  private freeConnection(): SqliteConnection | undefined {
    const pool = this.options.knex.client.pool as
      | {
          numUsed(): number;
          numPendingAcquires(): number;
          free?: Array<{ resource: SqliteConnection }>;
        }
      | undefined;
    if (!pool || pool.numUsed() > 0 || pool.numPendingAcquires() > 0) {
      return undefined;
    }
    return pool.free?.[0]?.resource;
  }

  private transaction<T>(conn: SqliteConnection, fn: (ops: WriteOps) => T): T {
    const s = this.prepared(conn);
    return runnerFor(conn)(() =>
      fn({
        existing: id => s.existing.get(id) as DbRow | undefined,
        upsert: (values, existing) => {
          if (!existing) {
            s.upsert.run(values);
            return;
          }
          this.update(conn, values, existing);
        },
        history: h => {
          s.history.run(h.certificate_id, h.at, h.event, h.detail);
        },
        gone: (id, now) => s.gone.run(now, now, id).changes > 0,
        select: (sql, bindings) =>
          SqliteRowWriter.prepare(conn, sql).all(
            bindings.map(sqliteValue),
          ) as DbRow[],
      }),
    );
  }

  private update(conn: SqliteConnection, values: unknown[], existing: DbRow) {
    const { columns } = this.options;
    const changed: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (c === 'id' || c === 'first_seen_at') continue;
      const v = sqliteValue(values[i]) ?? null;
      // A column not read (in no index) is written as it comes.
      if (!(c in existing) || v !== (existing[c] ?? null)) {
        changed.push(c);
        params.push(v);
      }
    }
    if (changed.length === 0) return;
    const statement = SqliteRowWriter.prepare(
      conn,
      `update "${this.options.table}" set ${changed
        .map(c => `"${c}" = ?`)
        .join(', ')} where "rowid" = ?`,
    );
    params.push(existing[ROWID]);
    statement.run(params);
  }

  private prepared(conn: SqliteConnection) {
    const p = (sql: string) => SqliteRowWriter.prepare(conn, sql);
    return {
      existing: p(this.sql.existing),
      upsert: p(this.sql.upsert),
      history: p(this.sql.history),
      gone: p(this.sql.gone),
    };
  }
}
