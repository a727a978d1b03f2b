export interface GroupCommitOptions<T> {
  /**
   * Writes a batch of items as one commit (all or nothing), e.g. in one
   * database transaction.
   */
  write: (items: T[]) => Promise<void>;
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
  /** The running drain, while there is one. */
  private draining: Promise<void> | undefined;
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
      if (!this.draining) this.startDrain();
    });
  }

  private startDrain(): void {
    // Let the work already queued on the event loop join this batch.
    this.draining = new Promise<void>(next => setImmediate(next))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        // An item added after the loop saw an empty queue but before this
        // ran found a drain still set and did not start one: start it here.
        if (this.queue.length > 0) this.startDrain();
      });
  }

  /** Resolves once every item added so far has committed or failed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      await this.commit(this.queue.splice(0, this.maxBatch));
    }
  }

  private async commit(batch: Pending<T>[]): Promise<void> {
    try {
      await this.o.write(batch.map(p => p.item));
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
        await this.o.write([pending.item]);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
