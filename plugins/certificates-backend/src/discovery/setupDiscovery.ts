import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { HumanDuration } from '@backstage/types';
import { NamespaceMapping } from '@kubecerts/backstage-plugin-certificates-common';
import { CertificatesClusterSource } from '@kubecerts/backstage-plugin-certificates-node';
import { ClusterRegistry, ConfigClusterRegistry } from '../clusters';
import { TrustStore } from '../inventory/parsing';
import { InventoryStore } from '../inventory/store';
import { InventoryMetrics } from '../metrics';
import { loadOwnershipEntities } from './catalogEntities';
import { DiscoveryService } from './DiscoveryService';

export interface SetupDiscoveryOptions {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  catalog: CatalogService;
  auth: AuthService;
  store: InventoryStore;
  /** The approved roots (configured roots and the built-in CA's root). */
  getApprovedRoots: () => Promise<string[]>;
  /** Sources added by modules on certificatesClusterSourceExtensionPoint. */
  clusterSources?: CertificatesClusterSource[];
}

function duration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

/**
 * Builds the cluster registry and discovery from config, and schedules
 * the resync, catalog refresh and metrics tasks. Discovery starts once the
 * backend has started and stops on shutdown.
 */
export async function setupDiscovery(
  options: SetupDiscoveryOptions,
): Promise<{ clusters: ClusterRegistry; discovery: DiscoveryService }> {
  const { config, logger, scheduler, store } = options;
  const clusters = await ConfigClusterRegistry.create({
    config,
    logger,
    sources: options.clusterSources,
  });
  const trust = TrustStore.create({
    getApprovedRoots: async () => [
      ...(await options.getApprovedRoots()),
      ...(
        await Promise.all(
          (options.clusterSources ?? []).map(
            async s => (await s.getApprovedRoots?.()) ?? [],
          ),
        )
      ).flat(),
    ],
  });
  const discovery = DiscoveryService.create({
    clusters,
    store,
    logger,
    trust,
    thresholds: {
      warningDays: config.getOptionalNumber('certificates.health.warningDays'),
      criticalDays: config.getOptionalNumber(
        'certificates.health.criticalDays',
      ),
      maxValidityDays: config.getOptionalNumber(
        'certificates.health.maxValidityDays',
      ),
    },
    approvedIssuers: config.getOptionalStringArray(
      'certificates.health.approvedIssuers',
    ),
    namespaceMappings: (
      config.getOptionalConfigArray(
        'certificates.ownership.namespaceMappings',
      ) ?? []
    ).map(
      (m): NamespaceMapping => ({
        namespace: m.getString('namespace'),
        cluster: m.getOptionalString('cluster'),
        owner: m.getString('owner'),
        entityRef: m.getOptionalString('entityRef'),
      }),
    ),
    namespaces: {
      include: config.getOptionalStringArray(
        'certificates.discovery.namespaces.include',
      ),
      exclude: config.getOptionalStringArray(
        'certificates.discovery.namespaces.exclude',
      ),
    },
    loadEntities: () =>
      loadOwnershipEntities({ catalog: options.catalog, auth: options.auth }),
    sync: {
      pageSize: config.getOptionalNumber('certificates.discovery.pageSize'),
    },
  });
  const metrics = InventoryMetrics.create();

  options.lifecycle.addStartupHook(() => discovery.start());
  options.lifecycle.addShutdownHook(async () => {
    await discovery.stop();
    await clusters.stop();
  });

  await scheduler.scheduleTask({
    id: 'certificates-discovery-resync',
    scope: 'local',
    frequency: duration(config, 'certificates.discovery.resyncInterval', {
      minutes: 30,
    }),
    timeout: { minutes: 15 },
    initialDelay: { minutes: 5 },
    fn: () => discovery.resync(),
  });
  await scheduler.scheduleTask({
    id: 'certificates-discovery-catalog-refresh',
    scope: 'local',
    frequency: duration(
      config,
      'certificates.discovery.catalogRefreshInterval',
      { minutes: 5 },
    ),
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: () => discovery.refreshEntities(),
  });
  await scheduler.scheduleTask({
    id: 'certificates-inventory-metrics',
    scope: 'local',
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    initialDelay: { seconds: 15 },
    fn: async () => {
      const [aggregates, clusterStatus] = await Promise.all([
        store.aggregates(),
        store.listClusters(),
      ]);
      metrics.update({ ...aggregates, clusters: clusterStatus });
    },
  });
  return { clusters, discovery };
}
