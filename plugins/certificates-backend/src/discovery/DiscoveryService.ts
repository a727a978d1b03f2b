import { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildEntityOwnershipIndex,
  DEFAULT_HEALTH_THRESHOLDS,
  HealthThresholds,
  NamespaceMapping,
  OwnershipEntity,
} from '@kubecerts/backstage-plugin-certificates-common';
import { ClusterRegistry } from '../clusters';
import { ClusterLeases, ClusterLeasesOptions } from '../clusters/ClusterLeases';
import { ParsedTlsCache, TrustStore } from '../inventory/parsing';
import { InventoryStore } from '../inventory/store';
import { ClusterDiscovery, ClusterDiscoveryOptions } from './ClusterDiscovery';
import { EvaluationContext } from './evaluate';
import { InventoryWriter } from './InventoryWriter';
import { NamespaceFilter } from './namespaceFilter';

export interface DiscoveryServiceOptions {
  /** `onChange` (when present) starts and stops clusters as the set changes. */
  clusters: ClusterRegistry & { onChange?(listener: () => void): void };
  /**
   * With leases, this replica watches only the clusters whose lease it
   * holds (several replicas on one database); without, every cluster.
   */
  leases?: ClusterLeasesOptions;
  store: InventoryStore;
  logger: LoggerService;
  trust: TrustStore;
  thresholds?: Partial<HealthThresholds>;
  approvedIssuers?: string[];
  namespaceMappings?: NamespaceMapping[];
  namespaces?: { include?: string[]; exclude?: string[] };
  /** Entities that may own certificates; refreshed by `refreshEntities`. */
  loadEntities: () => Promise<OwnershipEntity[]>;
  sync?: ClusterDiscoveryOptions['sync'];
  lastSeenResolutionMs?: ClusterDiscoveryOptions['lastSeenResolutionMs'];
  now?: () => Date;
  onCommitted?: (latenciesNs: bigint[]) => void;
  /** Entries of the parse cache (0 disables it). Default 2000. */
  parseCacheSize?: number;
}

/**
 * Discovery across every cluster of the registry: keeps the inventory in
 * step with the clusters and re-judges rows when owners, roots or time change.
 */
export class DiscoveryService {
  /** The clusters this replica watches now. */
  private readonly running = new Map<string, ClusterDiscovery>();
  private readonly namespaces: NamespaceFilter;
  private leases: ClusterLeases | undefined;
  private listening = false;
  private context: EvaluationContext;
  private readonly writer: InventoryWriter;
  private started = false;
  private readonly parseCache: ParsedTlsCache;

  private constructor(private readonly options: DiscoveryServiceOptions) {
    const now = options.now ?? (() => new Date());
    this.parseCache = new ParsedTlsCache(options.trust, {
      maxEntries: options.parseCacheSize,
    });
    this.context = {
      trust: options.trust,
      parse: data => this.parseCache.parse(data),
      thresholds: {
        ...DEFAULT_HEALTH_THRESHOLDS,
        // config leaves unset keys undefined; they must not erase the defaults
        ...Object.fromEntries(
          Object.entries(options.thresholds ?? {}).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      },
      approvedIssuers: options.approvedIssuers ?? [],
      entities: buildEntityOwnershipIndex([]),
      namespaceMappings: options.namespaceMappings ?? [],
      now,
    };
    this.writer = new InventoryWriter({
      store: options.store,
      logger: options.logger,
      now,
      onCommitted: options.onCommitted,
    });
    this.namespaces = new NamespaceFilter(
      options.namespaces?.include,
      options.namespaces?.exclude,
    );
  }

  static create(options: DiscoveryServiceOptions): DiscoveryService {
    return new DiscoveryService(options);
  }

  /**
   * Loads roots and owners, then starts the clusters this replica watches
   * (in the background).
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.options.trust
      .refresh()
      .catch(e =>
        this.options.logger.warn(`Loading approved roots failed: ${e}`),
      );
    await this.refreshEntities({ reevaluate: false }).catch(e =>
      this.options.logger.warn(
        `Loading catalog entities for ownership failed: ${e}`,
      ),
    );
    if (!this.listening) {
      this.listening = true;
      this.options.clusters.onChange?.(() => this.onClustersChanged());
    }
    const { leases } = this.options;
    if (!leases) {
      this.onClustersChanged();
      return;
    }
    this.leases = ClusterLeases.create(leases, {
      logger: this.options.logger,
      names: () => this.options.clusters.list().map(c => c.name),
      onGained: name => this.startCluster(name),
      onLost: name => this.stopCluster(name),
    });
    await this.leases.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    const leases = this.leases;
    this.leases = undefined;
    if (leases) await leases.stop();
    for (const name of [...this.running.keys()]) this.stopCluster(name);
    await this.writer.flush();
  }

  /** This replica's id when clusters are leased. */
  get replicaId(): string | undefined {
    return this.options.leases?.replicaId;
  }

  private onClustersChanged() {
    if (!this.started) return;
    if (this.leases) {
      this.leases.tick().catch(() => undefined);
      return;
    }
    const names = new Set(this.options.clusters.list().map(c => c.name));
    for (const name of this.running.keys()) {
      if (!names.has(name)) this.stopCluster(name);
    }
    names.forEach(name => this.startCluster(name));
  }

  private startCluster(name: string) {
    const cluster = this.options.clusters.get(name);
    if (!cluster || this.running.has(name) || !this.started) return;
    const { options } = this;
    const now = this.context.now;
    const discovery = new ClusterDiscovery({
      cluster,
      store: options.store,
      writer: this.writer,
      logger: options.logger.child({ cluster: cluster.name }),
      context: () => this.context,
      namespaces: this.namespaces,
      sync: options.sync,
      lastSeenResolutionMs: options.lastSeenResolutionMs,
      onStatus: (state, reason) => {
        // A cluster given up keeps the status its new holder writes.
        if (this.running.get(name) !== discovery) return;
        const at = now().toISOString();
        options.store
          .setClusterStatus({
            name: cluster.name,
            simulated: cluster.simulated,
            state,
            lastAttemptAt: at,
            lastSyncAt: state === 'ok' ? at : undefined,
            degradedReason: reason,
          })
          .catch(e =>
            options.logger.error(
              `Saving status of cluster ${cluster.name} failed: ${e}`,
            ),
          );
      },
    });
    this.running.set(name, discovery);
    options.logger.info(`Discovery of cluster ${name} started`);
    discovery
      .start()
      .catch(e => options.logger.error(`Discovery of ${name} failed: ${e}`));
  }

  private stopCluster(name: string) {
    const discovery = this.running.get(name);
    if (!discovery) return;
    this.running.delete(name);
    discovery.stop();
    this.options.logger.info(`Discovery of cluster ${name} stopped`);
  }

  /** Reloads owner entities and re-judges every row whose owner changed. */
  async refreshEntities(options: { reevaluate?: boolean } = {}): Promise<void> {
    const entities = await this.options.loadEntities();
    this.context = {
      ...this.context,
      entities: buildEntityOwnershipIndex(entities),
    };
    if (options.reevaluate ?? true) await this.reevaluate();
  }

  /** Sets owner entities directly (tests, tools). */
  async setEntities(entities: OwnershipEntity[]): Promise<void> {
    this.context = {
      ...this.context,
      entities: buildEntityOwnershipIndex(entities),
    };
    await this.reevaluate();
  }

  /** Re-judges every row (time passes: valid → expiring → expired). */
  async reevaluate(): Promise<number> {
    let changed = 0;
    for (const c of [...this.running.values()])
      changed += await c.reevaluateAll();
    return changed;
  }

  /** Periodic safety net: full relist of every cluster, then re-judge. */
  async resync(): Promise<void> {
    const before = this.options.trust.rootPems.join();
    await this.options.trust.refresh().catch(() => undefined);
    const reparse = before !== this.options.trust.rootPems.join();
    if (reparse) this.parseCache.clear();
    this.running.forEach(c => c.relist({ reparse }));
    await this.reevaluate();
  }

  /** Waits until every cluster's queued changes are committed. */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map(c => c.idle()));
  }

  /** Cluster names with their current state (for tests and metrics). */
  states(): Array<{ name: string; state?: string }> {
    return [...this.running.values()].map(c => ({
      name: c.name,
      state: c.state,
    }));
  }
}
