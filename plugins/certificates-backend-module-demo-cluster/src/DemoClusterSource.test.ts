import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { testPki } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DEMO_NAMESPACES } from './demoCluster';
import { DemoClusterSource } from './DemoClusterSource';

const logger = mockServices.logger.mock();

/** A source as the module creates it; `enabled` is certificates.demoCluster.enabled, unset when omitted. */
function demoSource(options: { production: boolean; enabled?: boolean }) {
  const { production, enabled } = options;
  return DemoClusterSource.create({
    config: new ConfigReader(
      enabled === undefined
        ? {}
        : { certificates: { demoCluster: { enabled } } },
    ),
    logger,
    production,
  });
}

describe('DemoClusterSource', () => {
  let source: DemoClusterSource | undefined;
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  it('starts and seeds the simulated cluster when no other cluster exists', async () => {
    source = demoSource({ production: false });
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
    source = demoSource({ production: false, enabled: true });
    expect(
      await source.getClusters({ existingClusterNames: ['prod'] }),
    ).toEqual([]);
    expect(await source.getApprovedRoots()).toEqual([]);
  });

  it('is off when disabled, and in production unless enabled', async () => {
    const disabled = demoSource({ production: false, enabled: false });
    expect(await disabled.getClusters({ existingClusterNames: [] })).toEqual(
      [],
    );
    const production = demoSource({ production: true });
    expect(await production.getClusters({ existingClusterNames: [] })).toEqual(
      [],
    );
    expect(await production.getApprovedRoots()).toEqual([]);

    source = demoSource({ production: true, enabled: true });
    expect(
      (await source.getClusters({ existingClusterNames: [] })).map(c => c.name),
    ).toEqual(['demo']);
  });
});
