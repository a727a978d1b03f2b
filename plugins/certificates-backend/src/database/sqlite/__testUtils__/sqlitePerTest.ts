import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * SQLite databases opened by one test each, through better-sqlite3: files
 * live in a fresh temporary directory; after the test every database it
 * opened is closed, then the directory removed.
 */
export function sqlitePerTest(prefix: string) {
  let dir = '';
  const opened: Knex[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map(knex => knex.destroy()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** The path of `name` in this test's directory. */
    file: (name = 'db.sqlite') => path.join(dir, name),
    /** A knex on `filename` (a `file()` or ':memory:'). */
    open(filename: string, pool?: Knex.PoolConfig): Knex {
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
        ...(pool ? { pool } : {}),
      });
      opened.push(knex);
      return knex;
    },
  };
}
