import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { Knex } from 'knex';
import { SqliteCheckpointer } from './SqliteCheckpointer';

describe('SqliteCheckpointer', () => {
  let dir: string;
  let knex: Knex;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpointer-'));
  });

  afterEach(async () => {
    await knex?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints a SQLite file from a worker and stops commits from checkpointing', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'db.sqlite') },
      useNullAsDefault: true,
    });
    await knex.raw('PRAGMA journal_mode = WAL');
    const checkpointer = SqliteCheckpointer.forKnex(knex, { intervalMs: 20 })!;
    expect(checkpointer).toBeDefined();
    expect(SqliteCheckpointer.forKnex(knex)).toBe(checkpointer);
    await knex.schema.createTable('t', t => t.text('x'));
    for (let i = 0; i < 50; i++)
      await knex('t').insert({ x: 'x'.repeat(4000) });
    const deadline = Date.now() + 5_000;
    while (checkpointer.checkpoints === 0 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(checkpointer.checkpoints).toBeGreaterThan(0);
    const [setting] = await knex.raw('PRAGMA wal_autocheckpoint');
    expect(setting.wal_autocheckpoint).toBe(0);
    checkpointer.stop();
    expect((await knex('t').count({ n: '*' }))[0].n).toBe(50);
  });

  it('does nothing for in-memory SQLite', async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    expect(SqliteCheckpointer.forKnex(knex)).toBeUndefined();
  });
});
