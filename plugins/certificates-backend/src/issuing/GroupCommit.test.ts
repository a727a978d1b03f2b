import { GroupCommit } from './GroupCommit';
import { testDatabases } from '../__testUtils__';

describe('GroupCommit', () => {
  const databases = testDatabases();

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await knex.schema.createTable('items', t => {
      t.string('id', 32).primary();
    });
    const transactions: string[][] = [];
    const commit = GroupCommit.create<string>({
      maxBatch: 5,
      write: items =>
        knex.transaction(async trx => {
          transactions.push(items);
          // A duplicate id fails the statement, and with it the transaction.
          await trx('items').insert(items.map(id => ({ id })));
        }),
    });
    return { knex, commit, transactions };
  }

  it.each(databases.eachSupportedId())(
    'writes concurrent items in shared transactions, at most maxBatch each, %p',
    async databaseId => {
      const { knex, commit, transactions } = await setup(databaseId);
      const ids = Array.from({ length: 12 }, (_, i) => `item-${i}`);
      await Promise.all(ids.map(id => commit.add(id)));
      const rows = await knex('items').orderBy('id');
      expect(rows.map(r => r.id).sort()).toEqual([...ids].sort());
      expect(transactions.length).toBeLessThan(ids.length);
      expect(Math.max(...transactions.map(t => t.length))).toBeLessThanOrEqual(
        5,
      );
      // A lone item later still commits on its own.
      await commit.add('late');
      expect(transactions[transactions.length - 1]).toEqual(['late']);
    },
  );

  it.each(databases.eachSupportedId())(
    'a failing item fails alone: the others of its batch commit, %p',
    async databaseId => {
      const { knex, commit } = await setup(databaseId);
      await commit.add('taken');
      const results = await Promise.allSettled(
        ['a', 'taken', 'b'].map(id => commit.add(id)),
      );
      expect(results.map(r => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const rows = await knex('items');
      expect(rows.map(r => r.id).sort()).toEqual(['a', 'b', 'taken']);
    },
  );
  it('writes an item added while a finished drain is still winding down', async () => {
    // Whatever the number of microtasks between the end of the drain loop
    // and its clean-up, an item added in that window is written.
    for (let depth = 0; depth < 12; depth++) {
      const written: string[] = [];
      const commit = GroupCommit.create<string>({
        write: async items => {
          written.push(...items);
        },
      });
      await commit.add('first');
      for (let i = 0; i < depth; i++) await Promise.resolve();
      const second = commit.add('second');
      const outcome = await Promise.race([
        second.then(() => 'written'),
        new Promise(resolve => setTimeout(() => resolve('stuck'), 1000)),
      ]);
      expect({ depth, outcome, written }).toEqual({
        depth,
        outcome: 'written',
        written: ['first', 'second'],
      });
    }
  });
});
