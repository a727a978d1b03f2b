import { Knex } from 'knex';
import { certificateId } from '../parsing';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { PORTAL_LOCATION } from './requestLinks';
import { testRow } from './testRows';
import { InventoryRow } from './types';
import { databaseSuite } from '../../__testUtils__';

const T0 = '2026-11-28T00:00:00.000Z';

describe('inventory locations', () => {
  const db = databaseSuite();

  async function setup(knex: Knex) {
    const store = DatabaseInventoryStore.create({ knex });
    const portal: InventoryRow = {
      ...testRow({ name: 'request-r1', leaf: { serialNumber: '0a' } }),
      id: certificateId(PORTAL_LOCATION, 'ns1', 'request-r1'),
      location: PORTAL_LOCATION,
      cluster: '',
      requestId: 'r1',
      entityRef: 'component:default/a',
    };
    const discovered = [
      testRow({ cluster: 'prod', name: 'a' }),
      testRow({ cluster: 'prod', name: 'b', entityRef: 'component:default/a' }),
    ];
    await store.upsertCertificates([portal, ...discovered], T0);
    await store.setClusterStatus({
      name: 'prod',
      simulated: false,
      state: 'ok',
    });
    const ids = async (filter: object) =>
      (await store.listCertificates({ filter, limit: 50 })).items
        .map(i => i.secretName)
        .sort();
    return { knex, store, portal, ids };
  }

  db.test(
    "shows the portal's rows as a location with no cluster, and filters by location",
    async ({ knex }) => {
      const { store, portal, ids } = await setup(knex);
      const { items } = await store.listCertificates({ filter: {}, limit: 50 });
      const byName = Object.fromEntries(items.map(i => [i.secretName, i]));
      expect(byName['request-r1']).toMatchObject({
        id: portal.id,
        location: 'portal',
        requestId: 'r1',
      });
      expect(byName['request-r1'].cluster).toBeUndefined();
      expect(byName.a).toMatchObject({ location: 'cluster', cluster: 'prod' });

      expect(await ids({ location: ['portal'] })).toEqual(['request-r1']);
      expect(await ids({ location: ['cluster'] })).toEqual(['a', 'b']);
      expect(await ids({ location: ['endpoint'] })).toEqual([]);
      expect(await ids({ cluster: ['prod'] })).toEqual(['a', 'b']);
      // Clients before locations asked for the portal's rows as a cluster.
      expect(await ids({ cluster: ['portal'] })).toEqual(['request-r1']);
      expect(await ids({ cluster: ['prod', 'portal'] })).toEqual([
        'a',
        'b',
        'request-r1',
      ]);
      expect(
        await ids({
          entityRef: ['component:default/a'],
          location: ['cluster'],
        }),
      ).toEqual(['b']);

      const details = await store.getCertificate(portal.id);
      expect(details?.location).toBe('portal');
      expect(details?.cluster).toBeUndefined();
    },
  );

  db.test(
    'counts by location, and no cluster named portal in the counts or the cluster status',
    async ({ knex }) => {
      const { store } = await setup(knex);
      const counts = await store.counts({}, T0);
      expect(counts.total).toBe(3);
      expect(counts.byCluster).toEqual([{ cluster: 'prod', count: 2 }]);
      expect(counts.byLocation).toEqual([
        { location: 'cluster', count: 2 },
        { location: 'portal', count: 1 },
      ]);
      expect(
        (await store.counts({ location: ['portal'] }, T0)).byLocation,
      ).toEqual([{ location: 'portal', count: 1 }]);

      const clusters = await store.listClusters();
      expect(clusters.map(c => [c.name, c.certificateCount])).toEqual([
        ['prod', 2],
      ]);
      const aggregates = await store.aggregates();
      expect(aggregates.byClusterAndStatus).toEqual(
        expect.arrayContaining([
          { location: 'portal', status: 'valid', count: 1 },
          { location: 'cluster', cluster: 'prod', status: 'valid', count: 2 },
        ]),
      );
      expect(JSON.stringify(aggregates)).not.toContain('"cluster":""');
    },
  );

  db.test(
    "keeps a cluster's relist and re-judging to its rows, and the portal's to its own",
    async ({ knex }) => {
      const { store, portal } = await setup(knex);
      const walked = async (scope: Parameters<typeof store.forEachRow>[0]) => {
        const seen: string[] = [];
        await store.forEachRow(scope, async rows => {
          seen.push(...rows.map(r => r.secretName));
        });
        return seen.sort();
      };
      expect(await walked({ location: PORTAL_LOCATION })).toEqual([
        'request-r1',
      ]);
      expect(await walked('prod')).toEqual(['a', 'b']);
      // A cluster of that name would see none of the portal's rows.
      expect(await walked(PORTAL_LOCATION)).toEqual([]);
      expect(await store.listLiveVersions(PORTAL_LOCATION)).toEqual([]);

      const [stored] = await store.getRows([portal.id]);
      expect(stored).toMatchObject({
        location: PORTAL_LOCATION,
        cluster: '',
        requestId: 'r1',
      });
    },
  );
});
