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

  describe('readyForMore', () => {
    /** A writer over a store whose writes finish when the test says. */
    function slowWriter(writesInThisThread: boolean) {
      const pending: Array<() => void> = [];
      const store = {
        writesInThisThread,
        upsertCertificates: jest.fn(
          () => new Promise<void>(resolve => pending.push(resolve)),
        ),
        markGone: jest.fn(async () => undefined),
      } as unknown as InventoryStore;
      const writer = new InventoryWriter({
        store,
        logger: mockServices.logger.mock(),
        now: () => new Date(),
        backlog: 3,
      });
      const settled = (p: Promise<void>) => {
        let done = false;
        p.then(() => {
          done = true;
        });
        return async () => {
          await new Promise(r => setImmediate(r));
          return done;
        };
      };
      return { writer, pending, settled };
    }

    it('waits on a database server until everything queued is committed', async () => {
      const { writer, pending, settled } = slowWriter(false);
      writer.upsert(rows[0]);
      const ready = settled(writer.readyForMore());
      expect(await ready()).toBe(false);
      pending.shift()!();
      expect(await ready()).toBe(true);
    });

    it('on a store writing in this thread, waits only past the backlog', async () => {
      const { writer, pending, settled } = slowWriter(true);
      writer.upsert(rows[0]);
      // The first write is under way (held); two more rows queue behind it.
      await new Promise(r => setImmediate(r));
      writer.upsert(rows[1]);
      writer.upsert(rows[2]);
      expect(await settled(writer.readyForMore())()).toBe(true);
      writer.upsert(rows[3]);
      const ready = settled(writer.readyForMore());
      expect(await ready()).toBe(false);
      while (!(await ready())) pending.shift()?.();
      expect(writer.pending).toBe(0);
    });
  });
});
