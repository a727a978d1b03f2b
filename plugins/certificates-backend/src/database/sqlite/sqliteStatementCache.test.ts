import { configureSqlite } from './sqliteSettings';
import { cacheStatements } from './sqliteStatementCache';
import { sqlitePerTest } from './__testUtils__/sqlitePerTest';

describe('cacheStatements', () => {
  const sqlite = sqlitePerTest('statement-cache-');

  it('reuses prepared queries on a better-sqlite3 connection, not DDL or PRAGMAs', async () => {
    const knex = sqlite.open(':memory:');
    await configureSqlite(knex);
    const conn = await knex.client.acquireConnection();
    try {
      expect(conn.prepare('select 1 as one')).toBe(
        conn.prepare('select 1 as one'),
      );
      expect(conn.prepare('PRAGMA user_version')).not.toBe(
        conn.prepare('PRAGMA user_version'),
      );
      // Wrapping again keeps the one cache.
      cacheStatements(conn);
      expect(conn.prepare('select 2 as two')).toBe(
        conn.prepare('select 2 as two'),
      );
    } finally {
      await knex.client.releaseConnection(conn);
    }
  });

  it('queries through knex give the same results, in and out of transactions and after a schema change', async () => {
    const knex = sqlite.open(':memory:');
    await configureSqlite(knex);
    await knex.schema.createTable('t', table => {
      table.string('id').primary();
      table.integer('n');
    });
    for (let i = 0; i < 3; i++) {
      await knex('t').insert({ id: `a${i}`, n: i });
    }
    await knex.transaction(async trx => {
      await trx('t').where({ id: 'a1' }).update({ n: 10 });
      expect(await trx('t').where({ id: 'a1' }).first()).toEqual({
        id: 'a1',
        n: 10,
      });
    });
    await expect(
      knex.transaction(async trx => {
        await trx('t').where({ id: 'a2' }).update({ n: 20 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await knex('t').where({ id: 'a2' }).first()).toEqual({
      id: 'a2',
      n: 2,
    });

    await knex.schema.alterTable('t', table => table.string('label'));
    await knex('t').where({ id: 'a0' }).update({ label: 'x' });
    expect(await knex('t').where({ id: 'a0' }).first()).toEqual({
      id: 'a0',
      n: 0,
      label: 'x',
    });
  });
});
