import { LoggerService } from '@backstage/backend-plugin-api';
import { InventoryRow, InventoryStore } from '../inventory/store';

/**
 * A queued change. Classes, not object literals: V8 tracks an allocation
 * site per literal, and at the first young-generation collection that finds
 * a site's recent objects nearly all alive it may allocate that site's later
 * objects in the old generation. A list page's changes live until the page
 * is committed, so whether the site tipped over depended on when in a page
 * the first collection of a scan fell. In a quarter of 100,000-Secret scans
 * it did; each change, dead once committed, then kept its row (some
 * kilobytes) alive until a full collection, and peak RSS was ~300 MB
 * instead of ~240. Objects built by a constructor have no allocation site.
 */
class Upsert {
  readonly kind = 'upsert';
  constructor(readonly row: InventoryRow, readonly at: bigint) {}
}

class Gone {
  readonly kind = 'gone';
  constructor(readonly id: string, readonly at: bigint) {}
}

type Op = Upsert | Gone;

/** When a change arrived: as given, else now (hrtime). */
const arrival = (receivedAt?: bigint): bigint =>
  receivedAt ?? process.hrtime.bigint();

/**
 * Coalesces row writes and commits them in batches: under load one
 * transaction carries many events, idle an event is committed at once.
 */
export class InventoryWriter {
  private queue: Op[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly options: {
      store: InventoryStore;
      logger: LoggerService;
      now: () => Date;
      maxBatch?: number;
      /** Queued rows past which readyForMore waits on an in-thread store. */
      backlog?: number;
      /** Event-to-commit latencies in nanoseconds, for benchmarks and metrics. */
      onCommitted?: (latenciesNs: bigint[]) => void;
    },
  ) {}

  /** `receivedAt` (hrtime) is when the change arrived, for latency figures. */
  upsert(row: InventoryRow, receivedAt?: bigint): void {
    this.enqueue(new Upsert(row, arrival(receivedAt)));
  }

  gone(id: string, receivedAt?: bigint): void {
    this.enqueue(new Gone(id, arrival(receivedAt)));
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    this.kick();
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Resolves when a producer (a full list) may build more rows. A database
   * server's write is asynchronous, and rows built while earlier ones wait
   * on it are allocation that promotes those to the old generation (about
   * 1 KB a row that V8 kept until well after a scan): everything queued is
   * committed first. Embedded SQLite writes in this thread and rows wait
   * only behind a WAL checkpoint, during which the producer goes on until
   * `backlog` rows (default 1,000) are queued: waiting for every page there
   * cost a 1,000,000-Secret scan 10–13% and saved no memory.
   */
  async readyForMore(): Promise<void> {
    const backlog = this.options.backlog ?? 1000;
    if (this.options.store.writesInThisThread && this.queue.length < backlog) {
      return;
    }
    await this.flush();
  }

  /** Resolves once everything queued so far is committed. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (!this.flushing) this.run();
      await this.flushing;
    }
  }

  private kick() {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // A microtask, not a timer: an idle writer commits an event at once, and
    // rows queued in the same synchronous stretch (a list page) still share
    // one transaction. Under load, changes queue behind the running commit.
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.flushing) this.run();
    });
  }

  private run() {
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  /**
   * Writes rows; when the database refuses the data of the batch (SQLSTATE
   * class 22, e.g. a value it cannot store), writes them one by one and
   * leaves out only the rows it refuses, so that one Secret from a cluster
   * cannot keep a thousand others out of the inventory.
   */
  private async writeRows(rows: InventoryRow[], now: string): Promise<void> {
    try {
      await this.options.store.upsertCertificates(rows, now);
    } catch (e) {
      if (!isDataError(e) || rows.length === 1) throw e;
      for (const row of rows) {
        try {
          await this.options.store.upsertCertificates([row], now);
        } catch (single) {
          if (!isDataError(single)) throw single;
          this.options.logger.error(
            `Inventory row ${row.id} was left out: the database refused its data: ${single}`,
          );
        }
      }
    }
  }

  private async drain() {
    const max = this.options.maxBatch ?? 1000;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      const now = this.options.now().toISOString();
      // Apply in order: consecutive runs of the same kind share a statement.
      let i = 0;
      try {
        while (i < batch.length) {
          const kind = batch[i].kind;
          let j = i;
          while (j < batch.length && batch[j].kind === kind) j++;
          const run = batch.slice(i, j);
          if (kind === 'upsert') {
            await this.writeRows(
              run.map(o => (o as Upsert).row),
              now,
            );
          } else {
            await this.options.store.markGone(
              run.map(o => (o as Gone).id),
              now,
            );
          }
          i = j;
        }
      } catch (e) {
        this.options.logger.error(
          `Writing ${batch.length} inventory changes failed: ${e}`,
        );
      }
      if (this.options.onCommitted) {
        const done = process.hrtime.bigint();
        this.options.onCommitted(batch.map(o => done - o.at));
      }
    }
  }
}

/** A database error about a value (SQLSTATE class 22), not the connection. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('22');
}
