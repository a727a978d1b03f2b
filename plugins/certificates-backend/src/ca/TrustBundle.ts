import { seededRoots } from '../trust/rootCertificate';
import { TrustStore } from '../trust/TrustStore';

/** How long a replica reuses the roots it read; another replica's change shows after this. */
const CACHE_MS = 10_000;

/**
 * The approved roots, kept in the database and changed through approved
 * root changes. At start the roots of `certificates.trust.approvedRoots`
 * and the built-in root (unless `includeBuiltinRoot` is false) are seeded,
 * once: a seeded root removed through an approved change stays removed.
 * Discovery judges chains against these; the trust bundle serves them.
 */
export class TrustBundle {
  private roots: string[];
  private readAt: number;
  private refreshing?: Promise<void>;

  private constructor(
    private readonly store: Pick<TrustStore, 'listRoots'>,
    private readonly clock: () => number,
    initial: string[],
  ) {
    this.roots = initial;
    this.readAt = clock();
  }

  static async create(options: {
    settings: { approvedRoots: string[]; includeBuiltinRoot: boolean };
    builtinRootPem?: string;
    store: Pick<TrustStore, 'listRoots' | 'seed'>;
    now?: () => Date;
  }): Promise<TrustBundle> {
    const now = options.now ?? (() => new Date());
    // Parsing throws on a root that does not parse: better at start than silently untrusted.
    await options.store.seed(
      seededRoots({
        approvedRoots: options.settings.approvedRoots,
        builtinRootPem: options.settings.includeBuiltinRoot
          ? options.builtinRootPem
          : undefined,
        now: now(),
      }),
    );
    const initial = (await options.store.listRoots()).map(r => r.pem);
    // Real time, not the test clock: a frozen clock would never refresh.
    return new TrustBundle(options.store, () => Date.now(), initial);
  }

  /**
   * Approved roots, one PEM certificate each. Never waits for the database:
   * callers include writers inside a transaction, which on SQLite holds the
   * only connection, so a read here would wait for itself. Roots older than
   * the cache period are re-read in the background and used once read.
   */
  async getApprovedRoots(): Promise<string[]> {
    if (this.clock() - this.readAt > CACHE_MS) void this.refresh();
    return [...this.roots];
  }

  /** All approved roots as one PEM text. */
  async pem(): Promise<string> {
    return (await this.getApprovedRoots()).join('');
  }

  /**
   * Re-reads the roots (one read at a time); resolves once they are in use.
   * Call it outside any transaction, e.g. after a root change committed.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.store
      .listRoots()
      .then(rs => {
        this.roots = rs.map(r => r.pem);
        this.readAt = this.clock();
      })
      .catch(() => {
        // Keep the roots in use; the next call tries again.
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
