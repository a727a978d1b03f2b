import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesApiSimulator,
  testPki,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { Knex } from 'knex';
import { migratedDatabase, testDatabases } from '../__testUtils__';
import { DatabaseTrustStore } from './DatabaseTrustStore';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './distributionTargets';
import { TrustDistributor } from './TrustDistributor';

const databases = testDatabases();
const NAME = 'kubecerts-trust-bundle';

describe.each(databases.eachSupportedId())(
  'TrustDistributor on %p',
  databaseId => {
    let knex: Knex;
    let plain: KubernetesApiSimulator;
    let withTrustManager: KubernetesApiSimulator;
    let pem: string;

    beforeAll(async () => {
      plain = await KubernetesApiSimulator.start({
        installedGroups: ['cert-manager.io'],
      });
      withTrustManager = await KubernetesApiSimulator.start({
        installedGroups: ['cert-manager.io', 'trust.cert-manager.io'],
      });
      for (const sim of [plain, withTrustManager]) {
        for (const name of ['apps', 'web'])
          sim.apply({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name },
          });
      }
      withTrustManager.addToken('read-only', [
        { verbs: ['get', 'list', 'watch'], resources: ['*'] },
      ]);
    });
    afterAll(async () => {
      await plain.stop();
      await withTrustManager.stop();
    });
    beforeEach(async () => {
      knex = await migratedDatabase(databases, databaseId);
      pem = (await testPki()).root.certPem;
      for (const sim of [plain, withTrustManager]) {
        for (const ns of ['apps', 'web'])
          sim.remove('v1', 'ConfigMap', ns, NAME);
        if (sim === withTrustManager)
          sim.remove(
            'trust.cert-manager.io/v1alpha1',
            'Bundle',
            undefined,
            `${NAME}-trust-manager`,
          );
      }
    });
    afterEach(async () => {
      await knex.destroy();
    });

    function distributor(
      clusters: Record<string, KubernetesApiSimulator | { kubeConfig: any }>,
      namespaces = ['apps', 'web'],
    ) {
      const store = DatabaseTrustStore.create({ knex });
      return TrustDistributor.create({
        store,
        clusters: {
          get: name => {
            const c = clusters[name];
            if (!c) return undefined;
            const kubeConfig =
              c instanceof KubernetesApiSimulator
                ? c.kubeConfig()
                : c.kubeConfig;
            return { name, simulated: true, kubeConfig };
          },
        },
        distribution: Object.keys(clusters)
          .concat('gone')
          .map(cluster => ({ cluster, namespaces, configMapName: NAME })),
        bundle: async () => pem,
        logger: mockServices.logger.mock(),
      });
    }

    const stateOf = (
      targets: Array<{
        cluster: string;
        namespace: string;
        kind: string;
        state: string;
      }>,
    ) =>
      targets.map(
        t => `${t.cluster}/${t.namespace || '-'}/${t.kind}: ${t.state}`,
      );

    it('creates the ConfigMaps, shows drift, and repairs missing, edited and stale ones', async () => {
      const d = distributor({ plain });
      const first = await d.sync();
      expect(stateOf(first)).toEqual([
        'plain/apps/ConfigMap: in-sync',
        'plain/web/ConfigMap: in-sync',
        'gone/apps/ConfigMap: error',
        'gone/web/ConfigMap: error',
      ]);
      const written = plain.get<any>('v1', 'ConfigMap', 'apps', NAME)!;
      expect(written.data).toEqual({ 'ca.crt': pem, 'bundle.pem': pem });
      expect(written.metadata.labels[MANAGED_BY_LABEL]).toBe(MANAGED_BY_VALUE);
      expect(stateOf(await d.sync({ repair: false })).slice(0, 2)).toEqual([
        'plain/apps/ConfigMap: in-sync',
        'plain/web/ConfigMap: in-sync',
      ]);

      // Someone edits one, deletes the other.
      plain.apply({
        ...written,
        data: { 'ca.crt': 'tampered', 'bundle.pem': pem },
      });
      plain.remove('v1', 'ConfigMap', 'web', NAME);
      expect(stateOf(await d.sync({ repair: false })).slice(0, 2)).toEqual([
        'plain/apps/ConfigMap: edited',
        'plain/web/ConfigMap: missing',
      ]);
      expect(
        stateOf(await d.status()).filter(s => s.startsWith('plain')),
      ).toEqual([
        'plain/apps/ConfigMap: edited',
        'plain/web/ConfigMap: missing',
      ]);
      const repaired = await d.sync();
      expect(repaired.slice(0, 2)).toMatchObject([
        {
          state: 'in-sync',
          detail: expect.stringMatching(/edited outside the portal/),
        },
        { state: 'in-sync', detail: expect.stringMatching(/missing; created/) },
      ]);
      expect(
        plain.get<any>('v1', 'ConfigMap', 'apps', NAME)!.data['ca.crt'],
      ).toBe(pem);

      // The approved roots change: what the portal wrote is now stale.
      pem = `${pem}${(await testPki()).rogue.certPem}`;
      expect(stateOf(await d.sync({ repair: false })).slice(0, 2)).toEqual([
        'plain/apps/ConfigMap: stale',
        'plain/web/ConfigMap: stale',
      ]);
      await d.sync();
      expect(
        plain.get<any>('v1', 'ConfigMap', 'web', NAME)!.data['bundle.pem'],
      ).toBe(pem);
    });

    it('never writes a ConfigMap it did not create, even one labelled as managed', async () => {
      const foreign = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: NAME,
          namespace: 'apps',
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
        },
        data: { 'ca.crt': 'theirs' },
      };
      plain.apply(foreign);
      const before = plain.get<any>('v1', 'ConfigMap', 'apps', NAME)!.metadata
        .resourceVersion;
      const [apps, web] = await distributor({ plain }).sync();
      expect(apps).toMatchObject({
        state: 'foreign',
        detail: expect.stringMatching(/not created by the portal/),
      });
      expect(web.state).toBe('in-sync');
      const after = plain.get<any>('v1', 'ConfigMap', 'apps', NAME)!;
      expect(after.metadata.resourceVersion).toBe(before);
      expect(after.data).toEqual({ 'ca.crt': 'theirs' });
    });

    it('writes a trust-manager Bundle only where trust.cert-manager.io is served', async () => {
      const targets = await distributor({ plain, tm: withTrustManager }).sync();
      expect(stateOf(targets).filter(s => !s.startsWith('gone'))).toEqual([
        'plain/apps/ConfigMap: in-sync',
        'plain/web/ConfigMap: in-sync',
        'tm/apps/ConfigMap: in-sync',
        'tm/web/ConfigMap: in-sync',
        'tm/-/Bundle: in-sync',
      ]);
      const bundle = withTrustManager.get<any>(
        'trust.cert-manager.io/v1alpha1',
        'Bundle',
        undefined,
        `${NAME}-trust-manager`,
      )!;
      expect(bundle.spec.sources).toEqual([{ inLine: pem }]);
      expect(
        bundle.spec.target.namespaceSelector.matchExpressions[0].values,
      ).toEqual(['apps', 'web']);
    });

    it('reports a cluster that refuses the writes (403) and changes nothing there', async () => {
      const targets = await distributor({
        ro: { kubeConfig: withTrustManager.kubeConfig('read-only') },
      }).sync();
      expect(stateOf(targets).filter(s => s.startsWith('ro'))).toEqual([
        'ro/apps/ConfigMap: error',
        'ro/web/ConfigMap: error',
        'ro/-/Bundle: error',
      ]);
      expect(targets[0].detail).toMatch(/HTTP 403/);
      expect(
        withTrustManager
          .list('v1', 'ConfigMap', 'apps')
          .filter(c => c.metadata.name === NAME),
      ).toEqual([]);
    });
  },
);
