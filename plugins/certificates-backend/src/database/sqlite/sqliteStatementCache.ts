/** The part of a better-sqlite3 connection the cache wraps. */
export interface PreparingConnection {
  prepare(sql: string): unknown;
}

const CACHED = Symbol('certificates.statementCache');

/** Statements worth keeping: the queries and transaction control a plugin repeats. */
const REPEATED =
  /^\s*(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i;

/** Most statements kept per connection (dynamic IN lists make variants). */
const MAX_STATEMENTS = 500;

/**
 * Makes `prepare` on a better-sqlite3 connection return the statement it
 * prepared before for the same SQL. knex prepares every query anew, and on
 * the issuing path SQLite's parse and plan cost more than running the small
 * statements. Safe for knex's use: it runs a statement to completion
 * (`all` / `run`) before the next one starts, and SQLite re-prepares a
 * cached statement by itself after a schema change. Wrapping twice is a
 * no-op; DDL and PRAGMAs are prepared as before.
 */
export function cacheStatements(conn: PreparingConnection): void {
  const target = conn as PreparingConnection & { [CACHED]?: true };
  if (target[CACHED] || typeof conn.prepare !== 'function') return;
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, unknown>();
  target[CACHED] = true;
  target.prepare = (sql: string) => {
    const cached = statements.get(sql);
    if (cached) return cached;
    const statement = prepare(sql);
    if (REPEATED.test(sql)) {
      if (statements.size >= MAX_STATEMENTS) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
}
