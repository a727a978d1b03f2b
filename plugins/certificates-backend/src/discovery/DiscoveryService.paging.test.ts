import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { databaseSuite } from '../__testUtils__/databaseSuite';
import { eventually } from '../__testUtils__';
import { TrustStore } from '../inventory/parsing';
import { makeCa, makeLeaf, secretData } from '../inventory/parsing/testPki';
import { DatabaseInventoryStore, InventoryRow } from '../inventory/store';
import { simulatedRegistry, testDiscovery } from '../__testUtils__/discovery';

describe('DiscoveryService: a full list and its writes', () => {
  const db = databaseSuite(knex => ({
    store: DatabaseInventoryStore.create({ knex }),
  }));
  const sims: KubernetesApiSimulator[] = [];
  let data: Record<string, string>;

  beforeAll(async () => {
    const ca = await makeCa('Root');
    const leaf = await makeLeaf({ issuer: ca });
    data = secretData(leaf.certPem + ca.pem, leaf.keyPem);
  });

  afterEach(async () => {
    await Promise.all(sims.splice(0).map(s => s.stop()));
  });

  db.test(
    "writes each page's rows before it takes the next page, however slow the database",
    async ({ store }) => {
      const sim = await KubernetesApiSimulator.start();
      sims.push(sim);
      for (let i = 0; i < 8; i++) {
        sim.apply({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { namespace: 'ns', name: `s-${i}` },
          type: 'kubernetes.io/tls',
          data,
        });
      }
      // A database server that takes its time over each write: pages
      // listed meanwhile would queue behind it and share the next write.
      Object.defineProperty(store, 'writesInThisThread', { value: false });
      const writes: string[][] = [];
      const upsert = store.upsertCertificates.bind(store);
      store.upsertCertificates = async (rows: InventoryRow[], now: string) => {
        writes.push(rows.map(r => r.secretName));
        await new Promise(r => setTimeout(r, 50));
        return upsert(rows, now);
      };
      const service = testDiscovery({
        clusters: simulatedRegistry({ c1: sim.kubeConfig() }),
        store,
        trust: TrustStore.fromPems([]),
      });
      try {
        await service.start();
        await eventually(async () => {
          const [cluster] = await store.listClusters();
          expect(cluster?.lastSyncAt).toBeDefined();
        });
        await service.idle();
        // Pages of 3 (FAST_SYNC): one write per page, in list order.
        expect(writes).toEqual([
          ['s-0', 's-1', 's-2'],
          ['s-3', 's-4', 's-5'],
          ['s-6', 's-7'],
        ]);
        const { totalCount } = await store.listCertificates({
          filter: {},
          limit: 1,
        });
        expect(totalCount).toBe(8);
      } finally {
        await service.stop();
      }
    },
  );
});
