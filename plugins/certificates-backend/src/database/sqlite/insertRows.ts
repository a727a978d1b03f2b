import { Knex } from 'knex';

/**
 * One multi-row INSERT with positional bindings, in plain SQL that SQLite
 * and PostgreSQL both accept. Cheaper than the query builder on hot paths
 * (knex builds SQLite multi-row inserts as UNION ALL selects). Keep a
 * batch's bindings under SQLite's 32,766 variables.
 */
export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const bindings: unknown[] = [];
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new Error(
        `insertRows: ${row.length} values for ${columns.length} columns of ${table}`,
      );
    }
    for (const value of row) {
      bindings.push(value === undefined ? null : value);
    }
  }
  const sql = `insert into "${table}" (${columns
    .map(c => `"${c}"`)
    .join(', ')}) values ${rows.map(() => placeholders).join(', ')}`;
  await db.raw(sql, bindings as Knex.RawBinding[]);
}
