import { configureSqlite } from './sqliteSettings';
import { sqlitePerTest } from './__testUtils__/sqlitePerTest';

describe('configureSqlite', () => {
  const sqlite = sqlitePerTest('sqlite-settings-');

  it('sets WAL and synchronous NORMAL on a file database; a connection opened later has them too', async () => {
    const knex = sqlite.open(sqlite.file(), {
      // Idle connections are closed at once, so the next query opens a new one.
      min: 0,
      max: 1,
      idleTimeoutMillis: 10,
      reapIntervalMillis: 10,
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
    const knex = sqlite.open(':memory:');
    await configureSqlite(knex);
    expect(await knex.raw('PRAGMA journal_mode')).toEqual([
      { journal_mode: 'memory' },
    ]);
  });
});
