import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { readCertificatesSettings } from './config';
import { registerTasks, RegisterTasksOptions } from './tasks';

const pending = { id: 'r1', state: 'pending' } as CertificateRequest;
const external = { id: 'k8s:1', state: 'pending' } as CertificateRequest;

type Timing = Record<string, number>;
/** id, scope, frequency, timeout, initial delay: as before the tasks moved here. */
const DEFAULT_TASKS: Array<[string, string, Timing, Timing, Timing]> = [
  [
    'certificates-discovery-resync',
    'local',
    { minutes: 30 },
    { minutes: 15 },
    { minutes: 5 },
  ],
  [
    'certificates-discovery-catalog-refresh',
    'local',
    { minutes: 5 },
    { minutes: 5 },
    { seconds: 30 },
  ],
  [
    'certificates-inventory-metrics',
    'local',
    { minutes: 1 },
    { minutes: 1 },
    { seconds: 15 },
  ],
  [
    'certificates-issued-reevaluate',
    'local',
    { hours: 1 },
    { minutes: 10 },
    { minutes: 1 },
  ],
  [
    'certificates-expiry-notifications',
    'global',
    { hours: 1 },
    { minutes: 15 },
    { minutes: 1 },
  ],
  [
    'certificates-automatic-renewal',
    'global',
    { hours: 1 },
    { minutes: 30 },
    { minutes: 1 },
  ],
  [
    'certificates-issuance',
    'global',
    { seconds: 30 },
    { minutes: 5 },
    { seconds: 5 },
  ],
  [
    'certificates-approvals-announce',
    'global',
    { seconds: 30 },
    { minutes: 2 },
    { seconds: 10 },
  ],
  [
    'certificates-endpoint-scan',
    'global',
    { minutes: 15 },
    { minutes: 10 },
    { minutes: 2 },
  ],
];

function fakeServices() {
  return {
    clusters: {
      refresh: jest.fn(async () => undefined),
      stop: jest.fn(async () => undefined),
    },
    leases: {
      acquire: jest.fn(async () => true),
      now: jest.fn(async () => new Date('2026-12-07T02:00:00.000Z')),
    },
    replicaId: 'replica-a',
    discovery: {
      start: jest.fn(async () => undefined),
      stop: jest.fn(async () => undefined),
      resync: jest.fn(async () => undefined),
      refreshEntities: jest.fn(async () => undefined),
    },
    expiryNotifier: { run: jest.fn(async () => ({})) },
    endpointScanner: {
      run: jest.fn(async () => ({
        scanned: 1,
        unreachable: 0,
        removed: 0,
        durationMs: 1,
      })),
    },
    externalApprovals: [
      {
        owns: () => false,
        queue: async () => [],
        decide: jest.fn(),
        undecided: async () => [external],
      },
    ],
    inventoryStore: {
      aggregates: jest.fn(async () => ({})),
      listClusters: jest.fn(async () => []),
      pruneHistory: jest.fn(async (_before: string) => 7),
    },
    issuance: { resume: jest.fn(async () => 2) },
    issuedCertificates: {
      catchUp: jest.fn(async () => 0),
      reevaluate: jest.fn(async () => 0),
    },
    lifecycle: { renewDue: jest.fn(async () => ({ renewed: 2, failed: 1 })) },
    metrics: { update: jest.fn(), clear: jest.fn() },
    notifier: { requestQueued: jest.fn(async () => undefined) },
    requestStore: { listPending: jest.fn(async () => [pending]) },
  };
}

async function register(certificates: object = {}) {
  const scheduler = mockServices.scheduler.mock();
  const lifecycle = mockServices.lifecycle.mock();
  const services = fakeServices();
  await registerTasks({
    settings: readCertificatesSettings(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost' },
        certificates,
      }),
    ),
    services: services as unknown as RegisterTasksOptions['services'],
    scheduler,
    lifecycle,
    logger: mockServices.logger.mock(),
    auth: mockServices.auth(),
  });
  const tasks = scheduler.scheduleTask.mock.calls.map(c => c[0]);
  const task = (id: string) => tasks.find(t => t.id === id);
  const run = (id: string) => task(id)!.fn(new AbortController().signal);
  return { tasks, task, run, services, lifecycle };
}

describe('registerTasks', () => {
  it('registers every task with its id, scope and default timing', async () => {
    const { tasks } = await register();
    expect(
      tasks.map(({ id, scope, frequency, timeout, initialDelay }) => ({
        id,
        scope,
        frequency,
        timeout,
        initialDelay,
      })),
    ).toEqual(
      expect.arrayContaining(
        DEFAULT_TASKS.map(([id, scope, frequency, timeout, initialDelay]) => ({
          id,
          scope,
          frequency,
          timeout,
          initialDelay,
        })),
      ),
    );
    expect(tasks).toHaveLength(DEFAULT_TASKS.length);
  });

  it('takes the configured timing, in either duration form', async () => {
    const { tasks } = await register({
      discovery: {
        resyncInterval: 'PT10M',
        catalogRefreshInterval: { seconds: 20 },
      },
      issuance: { frequency: { seconds: 10 }, timeout: 'PT2M' },
      renewal: { frequency: { minutes: 10 } },
      approvals: { notifyFrequency: 'PT1M' },
      notifications: {
        expiry: { frequency: { minutes: 10 }, timeout: 'PT2M' },
      },
    });
    const byId = (field: 'frequency' | 'timeout') =>
      Object.fromEntries(tasks.map(t => [t.id, t[field]]));
    expect(byId('frequency')).toEqual(
      expect.objectContaining({
        'certificates-discovery-resync': { minutes: 10 },
        'certificates-discovery-catalog-refresh': { seconds: 20 },
        'certificates-issuance': { seconds: 10 },
        'certificates-automatic-renewal': { minutes: 10 },
        'certificates-approvals-announce': { minutes: 1 },
        'certificates-expiry-notifications': { minutes: 10 },
      }),
    );
    expect(byId('timeout')).toEqual(
      expect.objectContaining({
        'certificates-issuance': { minutes: 2 },
        'certificates-expiry-notifications': { minutes: 2 },
      }),
    );
  });

  it('leaves out automatic renewal and expiry notices when they are turned off', async () => {
    const { task, tasks } = await register({
      renewal: { automatic: false },
      notifications: { expiry: { enabled: false } },
      endpoints: { enabled: false },
    });
    expect(task('certificates-automatic-renewal')).toBeUndefined();
    expect(task('certificates-expiry-notifications')).toBeUndefined();
    expect(task('certificates-endpoint-scan')).toBeUndefined();
    expect(tasks).toHaveLength(6);
  });

  it('deletes history past its retention once a day, on one replica, only when a retention is set', async () => {
    expect(
      (await register()).task('certificates-inventory-history-retention'),
    ).toBeUndefined();
    const { task, run, services } = await register({
      discovery: { historyRetention: { days: 400 } },
    });
    expect(task('certificates-inventory-history-retention')).toEqual(
      expect.objectContaining({
        scope: 'global',
        frequency: { hours: 24 },
        timeout: { minutes: 30 },
      }),
    );
    const before = Date.now() - 400 * 86_400_000;
    await run('certificates-inventory-history-retention');
    const [cut] = services.inventoryStore.pruneHistory.mock.calls[0];
    expect(Date.parse(cut) - before).toBeGreaterThanOrEqual(0);
    expect(Date.parse(cut) - before).toBeLessThan(60_000);
  });

  it('renews with the plugin credentials and the configured fraction', async () => {
    const { run, services } = await register({ renewal: { fraction: 0.75 } });
    await run('certificates-automatic-renewal');
    expect(services.lifecycle.renewDue).toHaveBeenCalledWith({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
      fraction: 0.75,
    });
  });

  it('announces pending portal and external requests', async () => {
    const { run, services } = await register();
    await run('certificates-approvals-announce');
    expect(services.notifier.requestQueued).toHaveBeenCalledWith(pending);
    expect(services.notifier.requestQueued).toHaveBeenCalledWith(external);
  });

  it('runs each service behind its task', async () => {
    const { run, services } = await register();
    await run('certificates-issuance');
    expect(services.issuance.resume).toHaveBeenCalled();
    await run('certificates-expiry-notifications');
    expect(services.expiryNotifier.run).toHaveBeenCalled();
    await run('certificates-discovery-resync');
    expect(services.discovery.resync).toHaveBeenCalled();
    await run('certificates-discovery-catalog-refresh');
    expect(services.clusters.refresh).toHaveBeenCalled();
    expect(services.discovery.refreshEntities).toHaveBeenCalled();
    await run('certificates-inventory-metrics');
    expect(services.metrics.update).toHaveBeenCalledWith({ clusters: [] });
    await run('certificates-issued-reevaluate');
    expect(services.issuedCertificates.reevaluate).toHaveBeenCalled();
    await run('certificates-endpoint-scan');
    expect(services.endpointScanner.run).toHaveBeenCalled();
  });

  it('catches up issued certificates at once and starts discovery with the backend', async () => {
    const { services, lifecycle } = await register();
    expect(services.issuedCertificates.catchUp).toHaveBeenCalledTimes(1);
    expect(lifecycle.addStartupHook).toHaveBeenCalledTimes(1);
    expect(lifecycle.addShutdownHook).toHaveBeenCalledTimes(1);
    await lifecycle.addStartupHook.mock.calls[0][0]();
    // Catalog-registered clusters are known before discovery starts.
    expect(services.clusters.refresh.mock.invocationCallOrder[0]).toBeLessThan(
      services.discovery.start.mock.invocationCallOrder[0],
    );
    await lifecycle.addShutdownHook.mock.calls[0][0]();
    expect(services.discovery.stop).toHaveBeenCalled();
    expect(services.clusters.stop).toHaveBeenCalled();
  });

  it('reports the inventory gauges only while this replica holds the global lease', async () => {
    const { run, services } = await register();
    services.leases.acquire.mockResolvedValueOnce(false);
    await run('certificates-inventory-metrics');
    expect(services.metrics.clear).toHaveBeenCalledTimes(1);
    expect(services.metrics.update).not.toHaveBeenCalled();
    expect(services.inventoryStore.aggregates).not.toHaveBeenCalled();
    expect(services.leases.acquire).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'global',
        name: 'inventory-metrics',
        owner: 'replica-a',
        // On the database's clock, not this process's.
        expiresAt: '2026-12-07T02:03:00.000Z',
      }),
      '2026-12-07T02:00:00.000Z',
    );
  });
});
