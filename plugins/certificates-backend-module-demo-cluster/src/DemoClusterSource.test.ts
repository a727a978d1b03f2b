import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { testPki } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DEMO_NAMESPACES } from './demoCluster';
import { DemoClusterSource } from './DemoClusterSource';

const logger = mockServices.logger.mock();

describe('DemoClusterSource', () => {
  let source: DemoClusterSource | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  it('starts and seeds the simulated cluster when no other cluster exists', async () => {
    source = DemoClusterSource.create({
      config: new ConfigReader({}),
      logger,
      production: false,
    });
    const clusters = await source.getClusters({ existingClusterNames: [] });
    expect(clusters.map(c => [c.name, c.simulated])).toEqual([['demo', true]]);
    const kubeConfig = (clusters[0] as { kubeConfig: KubeConfig }).kubeConfig;
    const namespaces = await kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespace();
    expect(namespaces.items.map(n => n.metadata?.name)).toEqual(
      expect.arrayContaining(DEMO_NAMESPACES),
    );
    expect(await source.getApprovedRoots()).toEqual([
      (await testPki()).root.certPem,
    ]);
  });

  it('adds nothing, and trusts no root, when another cluster exists', async () => {
    source = DemoClusterSource.create({
      config: new ConfigReader({
        certificates: { demoCluster: { enabled: true } },
      }),
      logger,
      production: false,
    });
    expect(
      await source.getClusters({ existingClusterNames: ['prod'] }),
    ).toEqual([]);
    expect(await source.getApprovedRoots()).toEqual([]);
  });

  it('is off when disabled, and in production unless enabled', async () => {
    const disabled = DemoClusterSource.create({
      config: new ConfigReader({
        certificates: { demoCluster: { enabled: false } },
      }),
      logger,
      production: false,
    });
    expect(await disabled.getClusters({ existingClusterNames: [] })).toEqual(
      [],
    );
    const production = DemoClusterSource.create({
      config: new ConfigReader({}),
      logger,
      production: true,
    });
    expect(await production.getClusters({ existingClusterNames: [] })).toEqual(
      [],
    );
    expect(await production.getApprovedRoots()).toEqual([]);

    source = DemoClusterSource.create({
      config: new ConfigReader({
        certificates: { demoCluster: { enabled: true } },
      }),
      logger,
      production: true,
    });
    expect(
      (await source.getClusters({ existingClusterNames: [] })).map(c => c.name),
    ).toEqual(['demo']);
  });
});
