import { mockServices } from '@backstage/backend-test-utils';
import { InventoryRow, InventoryStore } from '../inventory/store';
import { testRow } from '../inventory/store/testRows';
import { InventoryWriter } from './InventoryWriter';

/** A store that refuses, like PostgreSQL, any statement carrying a row it cannot store. */
function refusingStore(refuse: (row: InventoryRow) => unknown | undefined) {
  const written: string[] = [];
  const calls: number[] = [];
  const store = {
    upsertCertificates: jest.fn(async (rows: InventoryRow[]) => {
      calls.push(rows.length);
      for (const row of rows) {
        const error = refuse(row);
        if (error) throw error;
      }
      written.push(...rows.map(r => r.id));
    }),
    markGone: jest.fn(async () => undefined),
  } as unknown as InventoryStore;
  return { store, written, calls };
}

const rows = ['a', 'bad', 'c', 'd'].map(name => testRow({ name }));
const dataError = Object.assign(
  new Error('invalid byte sequence for encoding "UTF8": 0x00'),
  { code: '22021' },
);

/** Queues every row on a writer over `store` and waits for it to commit. */
async function writeAll(store: InventoryStore) {
  const logger = mockServices.logger.mock();
  const writer = new InventoryWriter({ store, logger, now: () => new Date() });
  for (const row of rows) writer.upsert(row);
  await writer.flush();
  return logger;
}

describe('InventoryWriter', () => {
  it('leaves out only a row whose data the database refuses, not its batch', async () => {
    const { store, written, calls } = refusingStore(row =>
      row.secretName === 'bad' ? dataError : undefined,
    );
    const logger = await writeAll(store);
    expect(written).toEqual(
      rows.filter(r => r.secretName !== 'bad').map(r => r.id),
    );
    expect(calls).toEqual([4, 1, 1, 1, 1]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0][0])).toContain(rows[1].id);
  });

  it('does not retry row by row when the database is unreachable', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
    });
    const { store, written, calls } = refusingStore(() => down);
    const logger = await writeAll(store);
    expect(written).toEqual([]);
    expect(calls).toEqual([4]);
    expect(String(logger.error.mock.calls[0][0])).toMatch(
      /Writing 4 inventory changes failed/,
    );
  });
});
