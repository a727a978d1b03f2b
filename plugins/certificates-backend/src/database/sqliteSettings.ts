import { Knex } from 'knex';

/** The better-sqlite3 connection knex hands to pool hooks. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

function isSqlite(knex: Knex): boolean {
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
 * every connection the pool opens later. Does nothing for other databases
 * and for in-memory SQLite.
 */
export async function configureSqlite(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) {
    return;
  }
  const filename = (knex.client.config?.connection as { filename?: string } | undefined)
    ?.filename;
  if (!filename || filename === ':memory:') {
    return;
  }
  knex.client.pool.on('createSuccess', (_id: unknown, conn: SqliteConnection) => {
    if (typeof conn?.pragma === 'function') apply(conn);
  });
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = NORMAL');
}
