/**
 * One renewal of a lineage at a time in this process: calls for the same
 * lineage run one after the other. (The database's unique index on open
 * renewals holds across instances.)
 */
export class LineageLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier call for the same lineage has settled. */
  async run<T>(lineage: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(lineage) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(lineage, settled);
    try {
      return await run;
    } finally {
      if (this.tails.get(lineage) === settled) {
        this.tails.delete(lineage);
      }
    }
  }
}
