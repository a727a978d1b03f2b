import { durationToMilliseconds } from '@backstage/types';
import {
  AuthService,
  LifecycleService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { holdsGlobalLease } from './clusters';
import { CertificatesSettings } from './config';
import { CertificatesServices } from './createServices';

/** A task's id, timing and work; what a run returns is not used. */
interface TaskSpec
  extends Omit<SchedulerServiceTaskScheduleDefinition, 'scope'> {
  id: string;
  fn: () => Promise<unknown>;
}

/** Schedules each task (false: turned off) with one scope. */
async function scheduleAll(
  scheduler: SchedulerService,
  scope: 'global' | 'local',
  tasks: Array<TaskSpec | false>,
): Promise<void> {
  for (const task of tasks) {
    if (!task) continue;
    await scheduler.scheduleTask({
      ...task,
      scope,
      fn: async () => {
        await task.fn();
      },
    });
  }
}

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

  const { endpoints, renewal } = settings;
  const expiry = settings.notifications.expiry;
  const retention = settings.discovery.historyRetention;
  // Each runs on one replica at a time.
  await scheduleAll(scheduler, 'global', [
    // One replica scans, so each endpoint sees one handshake a round.
    endpoints.enabled && {
      id: 'certificates-endpoint-scan',
      frequency: endpoints.frequency,
      timeout: endpoints.timeout,
      initialDelay: { minutes: 2 },
      fn: async () => {
        const report = await services.endpointScanner.run();
        logger.info(
          `Scanned ${report.scanned} TLS endpoint(s) in ${report.durationMs} ms: ${report.unreachable} unreachable, ${report.removed} no longer declared`,
        );
      },
    },
    expiry.enabled && {
      id: 'certificates-expiry-notifications',
      frequency: expiry.frequency,
      timeout: expiry.timeout,
      initialDelay: { minutes: 1 },
      fn: () => services.expiryNotifier.run(),
    },
    renewal.automatic && {
      id: 'certificates-automatic-renewal',
      frequency: renewal.frequency,
      timeout: { minutes: 30 },
      initialDelay: { minutes: 1 },
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
    },
    // Deletes discovery's history records past their retention, once a day.
    retention !== undefined && {
      id: 'certificates-inventory-history-retention',
      frequency: { hours: 24 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 10 },
      fn: async () => {
        const before = new Date(
          Date.now() - durationToMilliseconds(retention),
        ).toISOString();
        const deleted = await services.inventoryStore.pruneHistory(before);
        if (deleted > 0) {
          logger.info(
            `Deleted ${deleted} inventory history record(s) from before ${before}`,
          );
        }
      },
    },
    // Keeps the bundle of approved roots in the configured clusters and
    // repairs drift (missing, edited or stale ConfigMaps and Bundles).
    settings.trust.distribution.length > 0 && {
      id: 'certificates-trust-distribution',
      frequency: settings.trust.syncInterval,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 20 },
      fn: () => services.trustDistributor.sync(),
    },
    // Resumes approved requests and requests stuck in issuing (after a
    // restart), and follows cert-manager Certificates to issued or failed.
    {
      id: 'certificates-issuance',
      frequency: settings.issuance.frequency,
      timeout: settings.issuance.timeout,
      initialDelay: { seconds: 5 },
      fn: async () => {
        const handled = await services.issuance.resume();
        if (handled) {
          logger.info(`Resumed or followed ${handled} certificate request(s)`);
        }
      },
    },
    // Announces pending requests however they were created; the notifier
    // sends each announcement once, so sweeping repeatedly is safe.
    {
      id: 'certificates-approvals-announce',
      frequency: settings.approvals.notifyFrequency,
      timeout: { minutes: 2 },
      initialDelay: { seconds: 10 },
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
    },
  ]);
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
  // Local: each replica keeps its own watches (and metrics) in step.
  await scheduleAll(scheduler, 'local', [
    {
      id: 'certificates-discovery-resync',
      frequency: settings.discovery.resyncInterval,
      timeout: { minutes: 15 },
      initialDelay: { minutes: 5 },
      fn: () => discovery.resync(),
    },
    {
      id: 'certificates-discovery-catalog-refresh',
      frequency: settings.discovery.catalogRefreshInterval,
      timeout: { minutes: 5 },
      initialDelay: { seconds: 30 },
      fn: async () => {
        await clusters.refresh();
        await discovery.refreshEntities();
      },
    },
    {
      id: 'certificates-inventory-metrics',
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
    },
  ]);
}
