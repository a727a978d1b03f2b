import { migrateToLatest } from './migrations';

function lockedKnex(failures: number, name = 'MigrationLocked') {
  let calls = 0;
  const latest = jest.fn(async () => {
    calls += 1;
    if (calls <= failures) {
      throw Object.assign(new Error('Migration table is already locked'), {
        name,
      });
    }
    return [1, []];
  });
  return { knex: { migrate: { latest } } as any, latest };
}

describe('migrateToLatest', () => {
  it('waits while another replica holds the migration lock', async () => {
    const { knex, latest } = lockedKnex(2);
    await migrateToLatest({ knex, directory: 'm', tableName: 't' });
    expect(latest).toHaveBeenCalledTimes(3);
    expect(latest).toHaveBeenLastCalledWith({ directory: 'm', tableName: 't' });
  });

  it('fails at once on any other error, and on a lock held too long', async () => {
    const other = lockedKnex(1, 'SyntaxError');
    await expect(
      migrateToLatest({ knex: other.knex, directory: 'm', tableName: 't' }),
    ).rejects.toThrow(/locked/);
    expect(other.latest).toHaveBeenCalledTimes(1);
    const stuck = lockedKnex(100);
    await expect(
      migrateToLatest({
        knex: stuck.knex,
        directory: 'm',
        tableName: 't',
        waitMs: 0,
      }),
    ).rejects.toThrow(/locked/);
  });
});
