import { LoggerService } from '@backstage/backend-plugin-api';
import { InventoryRow, InventoryStore } from '../inventory/store';

type Op =
  | { kind: 'upsert'; row: InventoryRow; at: bigint }
  | { kind: 'gone'; id: string; at: bigint };

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
      /** Event-to-commit latencies in nanoseconds, for benchmarks and metrics. */
      onCommitted?: (latenciesNs: bigint[]) => void;
    },
  ) {}

  /** `receivedAt` (hrtime) is when the change arrived, for latency figures. */
  upsert(row: InventoryRow, receivedAt?: bigint): void {
    this.queue.push({
      kind: 'upsert',
      row,
      at: receivedAt ?? process.hrtime.bigint(),
    });
    this.kick();
  }

  gone(id: string, receivedAt?: bigint): void {
    this.queue.push({
      kind: 'gone',
      id,
      at: receivedAt ?? process.hrtime.bigint(),
    });
    this.kick();
  }

  get pending(): number {
    return this.queue.length;
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
            await this.options.store.upsertCertificates(
              run.map(o => (o as Extract<Op, { kind: 'upsert' }>).row),
              now,
            );
          } else {
            await this.options.store.markGone(
              run.map(o => (o as Extract<Op, { kind: 'gone' }>).id),
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
