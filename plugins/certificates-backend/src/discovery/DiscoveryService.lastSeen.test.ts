import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { databaseSuite } from '../__testUtils__/databaseSuite';
import { eventually } from '../__testUtils__';
import { TrustStore } from '../inventory/parsing';
import { makeCa, makeLeaf, secretData } from '../inventory/parsing/testPki';
import { DatabaseInventoryStore } from '../inventory/store';
import { DiscoveryService } from './DiscoveryService';
import { simulatedRegistry, testDiscovery } from '../__testUtils__/discovery';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

describe('DiscoveryService: the last-seen time full lists keep', () => {
  const db = databaseSuite(knex => ({
    store: DatabaseInventoryStore.create({ knex }),
  }));
  const sims: KubernetesApiSimulator[] = [];
  const services: DiscoveryService[] = [];
  let secret: (name: string) => Parameters<KubernetesApiSimulator['apply']>[0];

  beforeAll(async () => {
    const ca = await makeCa('Root');
    const leaf = await makeLeaf({ issuer: ca });
    const other = await makeLeaf({ issuer: ca });
    secret = name => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'ns', name },
      type: 'kubernetes.io/tls',
      data: secretData(
        (name === 'changed' ? other : leaf).certPem + ca.pem,
        leaf.keyPem,
      ),
    });
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map(s => s.stop()));
    await Promise.all(sims.splice(0).map(s => s.stop()));
  });

  /** A cluster with Secrets `a` and `b`, scanned at T0 on a clock the test moves. */
  async function scanned(
    store: DatabaseInventoryStore,
    lastSeenResolutionMs?: number,
  ) {
    const sim = await KubernetesApiSimulator.start();
    sims.push(sim);
    sim.apply(secret('a'));
    sim.apply(secret('b'));
    const clock = { now: T0 };
    const service = testDiscovery({
      clusters: simulatedRegistry({ c1: sim.kubeConfig() }),
      store,
      trust: TrustStore.fromPems([]),
      now: () => new Date(clock.now),
      lastSeenResolutionMs,
    });
    services.push(service);
    await service.start();
    await resynced(store, service, T0);
    return { sim, clock, service };
  }

  /** Waits until a full list at `at` completed and its writes are committed. */
  async function resynced(
    store: DatabaseInventoryStore,
    service: DiscoveryService,
    at: number,
  ) {
    await eventually(async () => {
      const [cluster] = await store.listClusters();
      expect(cluster?.lastSyncAt).toBe(new Date(at).toISOString());
    });
    await service.idle();
  }

  async function lastSeen(store: DatabaseInventoryStore) {
    const { items } = await store.listCertificates({ filter: {}, limit: 10 });
    return Object.fromEntries(items.map(c => [c.secretName, c.lastSeenAt]));
  }

  const iso = (t: number) => new Date(t).toISOString();

  db.test(
    'a resync rewrites no unchanged row seen within the resolution; older ones get its time',
    async ({ store }) => {
      const { clock, service } = await scanned(store, 6 * HOUR);
      expect(await lastSeen(store)).toEqual({ a: iso(T0), b: iso(T0) });

      clock.now = T0 + HOUR;
      await service.resync();
      await resynced(store, service, clock.now);
      expect(await lastSeen(store)).toEqual({ a: iso(T0), b: iso(T0) });

      clock.now = T0 + 7 * HOUR;
      await service.resync();
      await resynced(store, service, clock.now);
      expect(await lastSeen(store)).toEqual({
        a: iso(T0 + 7 * HOUR),
        b: iso(T0 + 7 * HOUR),
      });
    },
  );

  db.test(
    'a row a watch event brings carries its time at once, the others keep theirs',
    async ({ store }) => {
      const { sim, clock } = await scanned(store, 6 * HOUR);
      clock.now = T0 + HOUR;
      sim.apply(secret('changed'));
      await eventually(async () =>
        expect((await lastSeen(store)).changed).toBe(iso(T0 + HOUR)),
      );
      expect((await lastSeen(store)).a).toBe(iso(T0));
    },
  );

  db.test(
    'without a resolution every full list stamps every live row',
    async ({ store }) => {
      const { clock, service } = await scanned(store);
      clock.now = T0 + HOUR;
      await service.resync();
      await resynced(store, service, clock.now);
      expect(await lastSeen(store)).toEqual({
        a: iso(T0 + HOUR),
        b: iso(T0 + HOUR),
      });
    },
  );
});
