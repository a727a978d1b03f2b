import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureSqlite } from './sqliteSettings';

describe('configureSqlite', () => {
  let dir: string;
  let knex: Knex | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-settings-'));
  });

  afterEach(async () => {
    await knex?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sets WAL and synchronous NORMAL on a file database; a connection opened later has them too', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'db.sqlite') },
      useNullAsDefault: true,
      // Idle connections are closed at once, so the next query opens a new one.
      pool: { min: 0, max: 1, idleTimeoutMillis: 10, reapIntervalMillis: 10 },
    });
    let created = 0;
    knex.client.pool.on('createSuccess', () => created++);
    await configureSqlite(knex);
    expect(await knex.raw('PRAGMA journal_mode')).toEqual([
      { journal_mode: 'wal' },
    ]);
    expect(await knex.raw('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(created).toBe(1);

    await new Promise(resolve => setTimeout(resolve, 100));
    expect(await knex.raw('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(created).toBe(2);
  });

  it('leaves in-memory SQLite alone', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await configureSqlite(knex);
    expect(await knex.raw('PRAGMA journal_mode')).toEqual([
      { journal_mode: 'memory' },
    ]);
  });
});
