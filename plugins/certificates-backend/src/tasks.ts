import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { holdsGlobalLease } from './clusters';
import { CertificatesSettings } from './config';
import { CertificatesServices } from './createServices';

export interface RegisterTasksOptions {
  settings: CertificatesSettings;
  services: Pick<
    CertificatesServices,
    | 'clusters'
    | 'discovery'
    | 'endpointScanner'
    | 'expiryNotifier'
    | 'externalApprovals'
    | 'inventoryStore'
    | 'issuance'
    | 'issuedCertificates'
    | 'leases'
    | 'lifecycle'
    | 'metrics'
    | 'notifier'
    | 'replicaId'
    | 'requestStore'
    | 'trustDistributor'
  >;
  scheduler: SchedulerService;
  /** The backend's lifecycle (startup and shutdown hooks). */
  lifecycle: LifecycleService;
  logger: LoggerService;
  auth: AuthService;
}

/**
 * Every scheduled task and startup hook of the plugin. Tasks with `global`
 * scope run on one replica at a time; `local` ones keep this replica's own
 * state (its watches, its metrics) fresh.
 */
export async function registerTasks(
  options: RegisterTasksOptions,
): Promise<void> {
  const { settings, services, scheduler, logger } = options;
  await registerDiscoveryTasks(options);

  const recorder = services.issuedCertificates;
  await scheduler.scheduleTask({
    id: 'certificates-issued-reevaluate',
    scope: 'local',
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      await recorder.catchUp();
      await recorder.reevaluate();
    },
  });
  // A crash between issuing and recording leaves rows out: write them now.
  recorder
    .catchUp()
    .then(n => {
      if (n > 0) {
        logger.info(
          `Added ${n} issued certificate(s) missing from the inventory`,
        );
      }
    })
    .catch(error =>
      logger.warn(`Catching up issued certificates failed: ${error}`),
    );

  const endpoints = settings.endpoints;
  if (endpoints.enabled) {
    // Global: one replica scans, so each endpoint sees one handshake a round.
    await scheduler.scheduleTask({
      id: 'certificates-endpoint-scan',
      frequency: endpoints.frequency,
      timeout: endpoints.timeout,
      initialDelay: { minutes: 2 },
      scope: 'global',
      fn: async () => {
        const report = await services.endpointScanner.run();
        logger.info(
          `Scanned ${report.scanned} TLS endpoint(s) in ${report.durationMs} ms: ${report.unreachable} unreachable, ${report.removed} no longer declared`,
        );
      },
    });
  }

  const expiry = settings.notifications.expiry;
  if (expiry.enabled) {
    await scheduler.scheduleTask({
      id: 'certificates-expiry-notifications',
      frequency: expiry.frequency,
      timeout: expiry.timeout,
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        await services.expiryNotifier.run();
      },
    });
  }

  const renewal = settings.renewal;
  if (renewal.automatic) {
    await scheduler.scheduleTask({
      id: 'certificates-automatic-renewal',
      frequency: renewal.frequency,
      timeout: { minutes: 30 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        const credentials = await options.auth.getOwnServiceCredentials();
        const { renewed, failed } = await services.lifecycle.renewDue({
          credentials,
          fraction: renewal.fraction,
        });
        if (renewed || failed) {
          logger.info(
            `Automatic renewal: ${renewed} renewal request(s) made, ${failed} failed`,
          );
        }
      },
    });
  }

  // Keeps the bundle of approved roots in the configured clusters and
  // repairs drift (missing, edited or stale ConfigMaps and Bundles).
  if (settings.trust.distribution.length) {
    await scheduler.scheduleTask({
      id: 'certificates-trust-distribution',
      frequency: settings.trust.syncInterval,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 20 },
      scope: 'global',
      fn: async () => {
        await services.trustDistributor.sync();
      },
    });
  }

  // Resumes approved requests and requests stuck in issuing (after a
  // restart), and follows cert-manager Certificates to issued or failed.
  await scheduler.scheduleTask({
    id: 'certificates-issuance',
    frequency: settings.issuance.frequency,
    timeout: settings.issuance.timeout,
    initialDelay: { seconds: 5 },
    scope: 'global',
    fn: async () => {
      const handled = await services.issuance.resume();
      if (handled) {
        logger.info(`Resumed or followed ${handled} certificate request(s)`);
      }
    },
  });

  // Announces pending requests however they were created; the notifier
  // sends each announcement once, so sweeping repeatedly is safe.
  await scheduler.scheduleTask({
    id: 'certificates-approvals-announce',
    frequency: settings.approvals.notifyFrequency,
    timeout: { minutes: 2 },
    initialDelay: { seconds: 10 },
    scope: 'global',
    fn: async () => {
      for (const request of await services.requestStore.listPending()) {
        await services.notifier.requestQueued(request);
      }
      for (const source of services.externalApprovals) {
        for (const request of (await source.undecided?.()) ?? []) {
          await services.notifier.requestQueued(request);
        }
      }
    },
  });
}

/**
 * Discovery starts once the backend has started (the catalog's clusters
 * are readable only then) and stops on shutdown. Each replica watches the
 * clusters whose lease it holds, so the watch tasks are local.
 */
async function registerDiscoveryTasks(options: RegisterTasksOptions) {
  const { settings, services, scheduler } = options;
  const { discovery, clusters, inventoryStore, metrics } = services;
  options.lifecycle.addStartupHook(async () => {
    await clusters.refresh();
    await discovery.start();
  });
  options.lifecycle.addShutdownHook(async () => {
    await discovery.stop();
    await clusters.stop();
  });
  // Local: each replica keeps its own watches in step.
  const resync = settings.discovery.resyncInterval;
  const refresh = settings.discovery.catalogRefreshInterval;
  for (const [id, frequency, timeout, initialDelay, fn] of [
    [
      'certificates-discovery-resync',
      resync,
      { minutes: 15 },
      { minutes: 5 },
      () => discovery.resync(),
    ],
    [
      'certificates-discovery-catalog-refresh',
      refresh,
      { minutes: 5 },
      { seconds: 30 },
      async () => {
        await clusters.refresh();
        await discovery.refreshEntities();
      },
    ],
  ] as const) {
    await scheduler.scheduleTask({
      id,
      scope: 'local',
      frequency,
      timeout,
      initialDelay,
      fn,
    });
  }
  await scheduler.scheduleTask({
    id: 'certificates-inventory-metrics',
    scope: 'local',
    frequency: { minutes: 1 },
    timeout: { minutes: 1 },
    initialDelay: { seconds: 15 },
    fn: async () => {
      // One replica reports the inventory's gauges, so sums never double count.
      const reporting = await holdsGlobalLease({
        store: services.leases,
        replicaId: services.replicaId,
        name: 'inventory-metrics',
        ttlMs: 3 * 60_000,
      });
      if (!reporting) {
        metrics.clear();
        return;
      }
      const [aggregates, clusterStatus] = await Promise.all([
        inventoryStore.aggregates(),
        inventoryStore.listClusters(),
      ]);
      metrics.update({ ...aggregates, clusters: clusterStatus });
    },
  });
}
