import { databaseSuite } from '../../__testUtils__';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { testRow } from './testRows';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-06-01T00:00:00.000Z';
const T2 = '2026-11-01T00:00:00.000Z';

describe('DatabaseInventoryStore.pruneHistory', () => {
  const db = databaseSuite(knex => ({
    store: DatabaseInventoryStore.create({ knex }),
  }));

  const rows = ['a', 'b', 'c'].map(name => testRow({ name }));

  /** Each row: first seen at T0, gone at T1, back at T2. */
  async function withHistory(store: DatabaseInventoryStore) {
    await store.upsertCertificates(rows, T0);
    await store.markGone(
      rows.map(r => r.id),
      T1,
    );
    await store.upsertCertificates(rows, T2);
  }

  const events = async (store: DatabaseInventoryStore, id: string) =>
    (await store.getCertificate(id))!.history.map(h => `${h.event}@${h.at}`);

  db.test(
    'deletes the records older than the cut, in batches, and keeps the rest and the rows',
    async ({ store }) => {
      await withHistory(store);
      // Three records before the cut, two at a time: two batches.
      expect(await store.pruneHistory('2026-03-01T00:00:00.000Z', 2)).toBe(3);
      for (const row of rows) {
        expect(await events(store, row.id)).toEqual([
          `gone@${T1}`,
          `returned@${T2}`,
        ]);
        const kept = await store.getCertificate(row.id);
        expect(kept?.firstSeenAt).toBe(T0);
        expect(kept?.goneAt).toBeUndefined();
      }
      expect(await store.pruneHistory('2026-03-01T00:00:00.000Z', 2)).toBe(0);
    },
  );

  db.test(
    'keeps a record exactly at the cut, and deletes none before the first',
    async ({ store }) => {
      await withHistory(store);
      expect(await store.pruneHistory(T0)).toBe(0);
      expect(await store.pruneHistory(T2)).toBe(6);
      expect(await events(store, rows[0].id)).toEqual([`returned@${T2}`]);
    },
  );
});
