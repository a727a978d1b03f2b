import { Knex } from 'knex';

export interface GroupCommitOptions<T> {
  /** Runs a function in one database transaction (RequestStore.transaction fits). */
  transaction: (fn: (trx: Knex.Transaction) => Promise<void>) => Promise<void>;
  /** Writes a batch of items; called inside one transaction. */
  write: (items: T[], trx: Knex.Transaction) => Promise<void>;
  /** Most items per transaction (keep the statements' bindings in bounds). */
  maxBatch?: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items that arrive while a transaction is being written wait
 * and are written together in the next one, so concurrent requests share a
 * commit (and its page writes and syncs) instead of taking turns for the
 * database. `add` resolves once its item has committed and rejects when it
 * did not; a batch that fails is retried item by item, so one bad item
 * never takes the others down with it.
 */
export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private draining = false;
  private readonly maxBatch: number;

  static create<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
    return new GroupCommit(options);
  }

  private constructor(private readonly o: GroupCommitOptions<T>) {
    this.maxBatch = o.maxBatch ?? 64;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Let the work already queued on the event loop join this batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Pending<T>[]): Promise<void> {
    try {
      await this.o.transaction(trx => this.o.write(batch.map(p => p.item), trx));
      batch.forEach(p => p.resolve());
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
    }
    for (const pending of batch) {
      try {
        await this.o.transaction(trx => this.o.write([pending.item], trx));
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
