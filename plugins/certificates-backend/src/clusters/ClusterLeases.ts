import { LoggerService } from '@backstage/backend-plugin-api';
import { createHash, randomUUID } from 'crypto';
import os from 'os';
import { LeaseStore } from './LeaseStore';

export interface ClusterLeasesOptions {
  store: LeaseStore;
  /** This replica's id, unique among the replicas sharing the database. */
  replicaId: string;
  /** How long a lease lives unless renewed. Default 15 s. */
  leaseMs?: number;
  /** How often leases are renewed and free clusters looked for. Default 5 s. */
  renewMs?: number;
  /**
   * One clock for the leases' times and this replica's own bookkeeping
   * (tests). Default: lease times from the database's clock (the store's
   * `now`), the bookkeeping on this process's.
   */
  now?: () => Date;
}

export interface ClusterLeaseCallbacks {
  logger: LoggerService;
  /** The clusters to share out, read on every round. */
  names: () => string[];
  /** This replica now holds the cluster: start watching it. */
  onGained: (name: string) => void;
  /** This replica no longer holds the cluster: stop watching it at once. */
  onLost: (name: string) => void;
}

/**
 * Shares the clusters among the replicas on one database so that each is
 * watched by exactly one: a replica watches a cluster only while it holds
 * its lease, renews the lease every round, and stops watching as soon as a
 * renewal fails or its last renewal is older than the lease (it cannot know
 * whether another replica took over). While others are alive a replica
 * holds at most ceil(clusters / live replicas) and gives back the rest, so
 * clusters spread out when a replica joins; a dead replica's leases expire
 * and are taken by the others.
 */
export class ClusterLeases {
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = true;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  /** This process's clock: when this replica last renewed what it holds. */
  private readonly localNow: () => number;

  private constructor(
    private readonly options: ClusterLeasesOptions,
    private readonly callbacks: ClusterLeaseCallbacks,
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.renewMs = options.renewMs ?? 5_000;
    this.localNow = options.now
      ? () => options.now!().getTime()
      : () => Date.now();
  }

  /** The time the leases are compared with. */
  private leaseTime(): Promise<Date> {
    return this.options.now
      ? Promise.resolve(this.options.now())
      : this.options.store.now();
  }

  static create(
    options: ClusterLeasesOptions,
    callbacks: ClusterLeaseCallbacks,
  ): ClusterLeases {
    return new ClusterLeases(options, callbacks);
  }

  get replicaId(): string {
    return this.options.replicaId;
  }

  /** The clusters this replica holds. */
  holding(): string[] {
    return [...this.held.keys()].sort();
  }

  start(): Promise<void> {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.tick().finally(loop);
      }, this.renewMs);
      this.timer.unref?.();
    };
    return this.tick().finally(loop);
  }

  /** Runs a round now (the set of clusters changed). Rounds never overlap. */
  tick(): Promise<void> {
    this.round = this.round.then(() =>
      this.stopped
        ? undefined
        : this.runRound().catch(e => this.onRoundFailed(e)),
    );
    return this.round;
  }

  /** Stops watching and gives every lease back, so others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    const { store, replicaId } = this.options;
    for (const name of this.holding()) {
      this.lose(name);
      await store
        .release('cluster', name, replicaId)
        .catch(e => this.callbacks.logger.warn(`Releasing ${name}: ${e}`));
    }
    await store.leave(replicaId).catch(() => undefined);
  }

  private async runRound() {
    const { store, replicaId } = this.options;
    const renewedAt = this.localNow();
    const leaseNow = (await this.leaseTime()).getTime();
    const now = new Date(leaseNow).toISOString();
    const expiresAt = new Date(leaseNow + this.leaseMs).toISOString();
    const replicas = await store.heartbeat(replicaId, expiresAt, now);
    const names = new Set(this.callbacks.names());

    for (const name of this.holding()) {
      if (!names.has(name)) {
        this.lose(name);
        await store.release('cluster', name, replicaId);
      } else if (
        await store.renew({
          kind: 'cluster',
          name,
          owner: replicaId,
          expiresAt,
        })
      ) {
        this.held.set(name, renewedAt);
      } else {
        this.callbacks.logger.warn(
          `Lost the lease of cluster ${name} to another replica`,
        );
        this.lose(name);
      }
    }

    const target = Math.ceil(names.size / Math.max(1, replicas.length));
    // Give back the surplus (from the end of this replica's own order).
    const mine = this.holding().sort((a, b) => this.rank(b) - this.rank(a));
    while (this.held.size > target) {
      const name = mine.shift()!;
      this.lose(name);
      await store.release('cluster', name, replicaId);
    }
    if (this.held.size >= target) return;

    const taken = new Set(
      (await store.list('cluster'))
        .filter(l => l.expiresAt >= now)
        .map(l => l.name),
    );
    // Each replica tries the free clusters in its own order, so replicas
    // starting together rarely race for the same one.
    const free = [...names]
      .filter(n => !taken.has(n) && !this.held.has(n))
      .sort((a, b) => this.rank(a) - this.rank(b));
    for (const name of free) {
      if (this.held.size >= target || this.stopped) break;
      const won = await store.acquire(
        { kind: 'cluster', name, owner: replicaId, expiresAt },
        now,
      );
      if (won) {
        this.held.set(name, renewedAt);
        this.callbacks.onGained(name);
      }
    }
  }

  /** Without the database, a lease not renewed in time may be someone else's. */
  private onRoundFailed(error: unknown) {
    this.callbacks.logger.warn(`Renewing cluster leases failed: ${error}`);
    const nowMs = this.localNow();
    for (const [name, renewedAt] of this.held) {
      if (nowMs - renewedAt >= this.leaseMs) this.lose(name);
    }
  }

  private lose(name: string) {
    if (this.held.delete(name)) this.callbacks.onLost(name);
  }

  private rank(name: string): number {
    return createHash('sha256')
      .update(`${this.options.replicaId}\0${name}`)
      .digest()
      .readUInt32BE(0);
  }
}

/**
 * A duty done by one replica at a time (e.g. reporting gauges): true while
 * this replica holds the named global lease, taken for `ttlMs`.
 */
export async function holdsGlobalLease(options: {
  store: LeaseStore;
  replicaId: string;
  name: string;
  ttlMs: number;
  now?: Date;
}): Promise<boolean> {
  const now = options.now ?? (await options.store.now());
  return options.store.acquire(
    {
      kind: 'global',
      name: options.name,
      owner: options.replicaId,
      expiresAt: new Date(now.getTime() + options.ttlMs).toISOString(),
    },
    now.toISOString(),
  );
}

/** Readable in the status API (which pod), unique across restarts. */
export function newReplicaId(): string {
  return `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`.slice(
    0,
    128,
  );
}
