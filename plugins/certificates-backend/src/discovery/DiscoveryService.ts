import { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildEntityOwnershipIndex,
  DEFAULT_HEALTH_THRESHOLDS,
  HealthThresholds,
  NamespaceMapping,
  OwnershipEntity,
} from '@kubecerts/backstage-plugin-certificates-common';
import { ClusterRegistry } from '../clusters';
import { ParsedTlsCache, TrustStore } from '../inventory/parsing';
import { InventoryStore } from '../inventory/store';
import { ClusterDiscovery, ClusterDiscoveryOptions } from './ClusterDiscovery';
import { EvaluationContext } from './evaluate';
import { InventoryWriter } from './InventoryWriter';
import { NamespaceFilter } from './namespaceFilter';

export interface DiscoveryServiceOptions {
  clusters: ClusterRegistry;
  store: InventoryStore;
  logger: LoggerService;
  trust: TrustStore;
  thresholds?: Partial<HealthThresholds>;
  approvedIssuers?: string[];
  namespaceMappings?: NamespaceMapping[];
  namespaces?: { include?: string[]; exclude?: string[] };
  /** Entities that may own certificates; refreshed by `refreshEntities`. */
  loadEntities?: () => Promise<OwnershipEntity[]>;
  sync?: ClusterDiscoveryOptions['sync'];
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
  private readonly clusters: ClusterDiscovery[];
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
    const namespaces = new NamespaceFilter(
      options.namespaces?.include,
      options.namespaces?.exclude,
    );
    this.clusters = options.clusters.list().map(
      cluster =>
        new ClusterDiscovery({
          cluster,
          store: options.store,
          writer: this.writer,
          logger: options.logger.child({ cluster: cluster.name }),
          context: () => this.context,
          namespaces,
          sync: options.sync,
          onStatus: (state, reason) => {
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
        }),
    );
  }

  static create(options: DiscoveryServiceOptions): DiscoveryService {
    return new DiscoveryService(options);
  }

  /** Loads roots and owners, then starts every cluster (in the background). */
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
    for (const c of this.clusters) {
      c.start().catch(e =>
        this.options.logger.error(`Discovery of ${c.name} failed: ${e}`),
      );
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.clusters.forEach(c => c.stop());
    await this.writer.flush();
  }

  /** Reloads owner entities and re-judges every row whose owner changed. */
  async refreshEntities(options: { reevaluate?: boolean } = {}): Promise<void> {
    if (!this.options.loadEntities) return;
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
    for (const c of this.clusters) changed += await c.reevaluateAll();
    return changed;
  }

  /** Periodic safety net: full relist of every cluster, then re-judge. */
  async resync(): Promise<void> {
    const before = this.options.trust.rootPems.join();
    await this.options.trust.refresh().catch(() => undefined);
    const reparse = before !== this.options.trust.rootPems.join();
    if (reparse) this.parseCache.clear();
    this.clusters.forEach(c => c.relist({ reparse }));
    await this.reevaluate();
  }

  /** Waits until every cluster's queued changes are committed. */
  async idle(): Promise<void> {
    await Promise.all(this.clusters.map(c => c.idle()));
  }

  /** Cluster names with their current state (for tests and metrics). */
  states(): Array<{ name: string; state?: string }> {
    return this.clusters.map(c => ({ name: c.name, state: c.state }));
  }
}
