import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  DatabaseId,
  eventually,
  migratedDatabase,
  testDatabases,
} from '../__testUtils__';
import { ConfigClusterRegistry, DatabaseLeaseStore } from '../clusters';
import { TrustStore } from '../inventory/parsing';
import { makeCa, makeLeaf, secretData } from '../inventory/parsing/testPki';
import { DatabaseInventoryStore } from '../inventory/store';
import { DiscoveryService } from './DiscoveryService';
import { testDiscovery } from '../__testUtils__/discovery';

const SYNC = {
  backoff: { initialMs: 50, maxMs: 200 },
  requestTimeoutMs: 2_000,
  watchTimeoutSeconds: 30,
};

describe('DiscoveryService: which clusters this replica watches', () => {
  const databases = testDatabases();
  const sims: KubernetesApiSimulator[] = [];
  const services: DiscoveryService[] = [];
  let secret: (
    ns: string,
    name: string,
  ) => Parameters<KubernetesApiSimulator['apply']>[0];

  beforeAll(async () => {
    const ca = await makeCa('Root');
    const leaf = await makeLeaf({ issuer: ca });
    secret = (namespace, name) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace, name },
      type: 'kubernetes.io/tls',
      data: secretData(leaf.certPem + ca.pem, leaf.keyPem),
    });
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map(s => s.stop()));
    await Promise.all(sims.splice(0).map(s => s.stop()));
  });

  async function sim(secrets: number) {
    const s = await KubernetesApiSimulator.start();
    for (let i = 0; i < secrets; i++) s.apply(secret('ns', `s-${i}`));
    sims.push(s);
    return s;
  }

  function discovery(
    options: Omit<Parameters<typeof testDiscovery>[0], 'trust'>,
  ) {
    const service = testDiscovery({
      trust: TrustStore.fromPems([]),
      sync: SYNC,
      ...options,
    });
    services.push(service);
    return service;
  }

  it('discovers a cluster registered in the catalog once the registry is refreshed', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const store = DatabaseInventoryStore.create({ knex });
    const s = await sim(2);
    s.addToken('catalog-token', READ_ONLY_ACCESS, { user: 'google:backend' });
    const clusters = await ConfigClusterRegistry.create({
      config: new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
          ],
        },
      }),
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Resource',
            metadata: {
              name: 'from-catalog',
              annotations: {
                'kubernetes.io/api-server': s.url,
                'kubernetes.io/api-server-certificate-authority': '',
                'kubernetes.io/auth-provider': 'google',
              },
            },
            spec: { type: 'kubernetes-cluster', owner: 'group:default/p' },
          },
        ],
      }),
      auth: mockServices.auth(),
      strategies: {
        google: {
          getCredential: async () => ({
            type: 'bearer token',
            token: 'catalog-token',
          }),
          validateCluster: () => [],
          presentAuthMetadata: m => m,
        },
      },
      kubeconfigPath: null,
      inCluster: { env: {} },
    });
    const service = discovery({ clusters, store });
    await service.start();
    expect(service.states()).toEqual([]);

    await clusters.refresh();
    await eventually(async () => {
      expect(service.states()).toEqual([{ name: 'from-catalog', state: 'ok' }]);
      expect(await store.listLiveVersions('from-catalog')).toHaveLength(2);
    });
  });

  it.each(databases.eachSupportedId())(
    'two replicas on one database watch each cluster exactly once; one stopping hands its clusters to the other, %p',
    async (databaseId: DatabaseId) => {
      const knex = await migratedDatabase(databases, databaseId);
      const store = DatabaseInventoryStore.create({ knex });
      const names = ['c1', 'c2', 'c3', 'c4'];
      const clusters = ConfigClusterRegistry.fromClusters(
        await Promise.all(
          names.map(async (name, i) => ({
            name,
            simulated: true,
            kubeConfig: (await sim(i + 1)).kubeConfig(),
          })),
        ),
      );
      const replica = (replicaId: string) =>
        discovery({
          clusters,
          store,
          leases: {
            store: DatabaseLeaseStore.create({ knex }),
            replicaId,
            leaseMs: 3_000,
            renewMs: 200,
          },
        });
      const a = replica('a');
      const b = replica('b');
      await Promise.all([a.start(), b.start()]);
      const watched = () =>
        [...a.states(), ...b.states()].map(s => s.name).sort();

      await eventually(async () => {
        expect(watched()).toEqual(names);
        expect(a.states()).toHaveLength(2);
        const status = await store.listClusters();
        expect(status.map(c => [c.name, c.state])).toEqual(
          names.map(n => [n, 'ok']),
        );
        expect(status.map(c => c.holder).sort()).toEqual(['a', 'a', 'b', 'b']);
      });

      await a.stop();
      await eventually(async () => {
        expect(
          b
            .states()
            .map(s => s.name)
            .sort(),
        ).toEqual(names);
        const status = await store.listClusters();
        expect(status.every(c => c.holder === 'b')).toBe(true);
      });
      for (const [i, name] of names.entries()) {
        expect(await store.listLiveVersions(name)).toHaveLength(i + 1);
      }
    },
  );
});
