import { Knex } from 'knex';
import { cacheStatements } from './sqliteStatementCache';

/** The better-sqlite3 connection knex hands to pool hooks. */
interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(sql: string): unknown;
}

interface Pool {
  on(
    event: 'createSuccess',
    fn: (id: unknown, conn: SqliteConnection) => void,
  ): void;
  free?: Array<{ resource: SqliteConnection }>;
  used?: Array<{ resource: SqliteConnection }>;
}

/** The database is SQLite (better-sqlite3 or sqlite3). */
export function isSqlite(knex: Knex): boolean {
  const client = String(knex.client.config?.client ?? '');
  return client === 'better-sqlite3' || client === 'sqlite3';
}

function apply(conn: SqliteConnection): void {
  // WAL persists in the file; synchronous is per connection. NORMAL in WAL
  // mode keeps the database consistent after a crash and loses at most the
  // last commits on power loss, instead of an fsync on every commit.
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
}

/**
 * Settings for the embedded SQLite database (the default of `start`):
 * write-ahead log, and synchronous NORMAL, on the current connection and on
 * every connection the pool opens later; and on better-sqlite3 (in-memory
 * too) prepared statements reused across queries (see cacheStatements).
 * Does nothing for other databases.
 */
export async function configureSqlite(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) {
    return;
  }
  if (String(knex.client.config?.client) === 'better-sqlite3') {
    const pool = knex.client.pool as Pool;
    pool.on('createSuccess', (_id, conn) => cacheStatements(conn));
    for (const { resource } of [...(pool.free ?? []), ...(pool.used ?? [])]) {
      cacheStatements(resource);
    }
  }
  const filename = (
    knex.client.config?.connection as { filename?: string } | undefined
  )?.filename;
  if (!filename || filename === ':memory:') {
    return;
  }
  knex.client.pool.on(
    'createSuccess',
    (_id: unknown, conn: SqliteConnection) => {
      if (typeof conn?.pragma === 'function') apply(conn);
    },
  );
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
}
