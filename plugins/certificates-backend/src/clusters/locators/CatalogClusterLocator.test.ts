import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { ConfigClusterRegistry } from '../ClusterRegistry';

const logger = mockServices.logger.mock();

function clusterEntity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      annotations: {
        'kubernetes.io/api-server-certificate-authority': '',
        ...annotations,
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

const PUBLIC = '203.0.113.10';
const addresses: Record<string, string[]> = {
  'k8s.example.com': [PUBLIC],
  'internal.example.com': ['192.168.1.5'],
};

// Stands in for a cloud provider: what matters here is which clusters exist.
const stubGoogle: AuthenticationStrategy = {
  getCredential: async () => ({ type: 'bearer token', token: 'catalog-token' }),
  validateCluster: () => [],
  presentAuthMetadata: m => m,
};

describe('clusters registered in the catalog', () => {
  let sim: KubernetesApiSimulator;
  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start();
    sim.addToken('catalog-token', READ_ONLY_ACCESS, { user: 'google:backend' });
  });
  afterAll(() => sim.stop());

  function setup(entities: Entity[]) {
    const catalog = catalogServiceMock({ entities });
    const auth = mockServices.auth();
    const registry = ConfigClusterRegistry.create({
      config: new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'configured',
                  url: 'https://configured.example.com',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 't',
                },
              ],
            },
            { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
          ],
        },
      }),
      logger,
      catalog,
      auth,
      strategies: { google: stubGoogle },
      kubeconfigPath: null,
      inCluster: { env: {} },
      lookup: async host => addresses[host] ?? [],
    });
    return { catalog, registry };
  }

  it('reads annotated Resource entities, after start and not before', async () => {
    const { registry: pending } = setup(
      [
        clusterEntity('gke-catalog', {
          'kubernetes.io/api-server': '__SIM__',
          'kubernetes.io/auth-provider': 'google',
        }),
        clusterEntity('public', {
          'kubernetes.io/api-server': 'https://k8s.example.com:6443',
          'kubernetes.io/auth-provider': 'aws',
          'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/r',
          'kubernetes.io/skip-tls-verify': 'true',
        }),
      ].map(e => withSimUrl(e, sim.url)),
    );
    const registry = await pending;
    const changed = jest.fn();
    registry.onChange(changed);
    expect(registry.list().map(c => c.name)).toEqual(['configured']);

    await registry.refresh();
    expect(registry.list().map(c => c.name)).toEqual([
      'configured',
      'gke-catalog',
      'public',
    ]);
    expect(changed).toHaveBeenCalledTimes(1);
    await registry
      .get('gke-catalog')!
      .kubeConfig.makeApiClient(CoreV1Api)
      .listNamespace();
    expect(sim.requests().at(-1)?.user).toBe('google:backend');
    // skip-tls-verify from an entity needs dangerouslyAllowSkipTLSVerify.
    expect(
      registry.get('public')!.kubeConfig.getCurrentCluster()?.skipTLSVerify,
    ).toBe(false);
  });

  it('refuses entities that would aim the backend credentials somewhere unsafe', async () => {
    const hostile = [
      clusterEntity('takes-our-token', {
        'kubernetes.io/api-server': 'https://k8s.example.com',
        'kubernetes.io/auth-provider': 'serviceAccount',
      }),
      clusterEntity('private-ip', {
        'kubernetes.io/api-server': 'https://10.1.2.3',
        'kubernetes.io/auth-provider': 'google',
      }),
      clusterEntity('metadata', {
        'kubernetes.io/api-server': 'https://169.254.169.254',
        'kubernetes.io/auth-provider': 'google',
      }),
      clusterEntity('resolves-private', {
        'kubernetes.io/api-server': 'https://internal.example.com',
        'kubernetes.io/auth-provider': 'google',
      }),
      clusterEntity('plain-http', {
        'kubernetes.io/api-server': 'http://k8s.example.com',
        'kubernetes.io/auth-provider': 'google',
      }),
      clusterEntity('with-userinfo', {
        'kubernetes.io/api-server': 'https://u:p@k8s.example.com',
        'kubernetes.io/auth-provider': 'google',
      }),
      clusterEntity('unknown-provider', {
        'kubernetes.io/api-server': 'https://k8s.example.com',
        'kubernetes.io/auth-provider': 'kerberos',
      }),
      // Takes the name of a configured cluster.
      clusterEntity('configured', {
        'kubernetes.io/api-server': 'https://k8s.example.com',
        'kubernetes.io/auth-provider': 'google',
      }),
    ];
    const registry = await setup(hostile).registry;
    await registry.refresh();
    expect(registry.list().map(c => c.name)).toEqual(['configured']);
    expect(
      registry.get('configured')!.kubeConfig.getCurrentCluster()?.server,
    ).toBe('https://configured.example.com');
    for (const name of hostile.map(e => e.metadata.name)) {
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `Ignoring kubernetes-cluster Resource ${name}:`,
        ),
      );
    }
  });

  it('keeps the clusters it knows when the catalog cannot be read', async () => {
    const { catalog, registry: pending } = setup([
      clusterEntity('public', {
        'kubernetes.io/api-server': 'https://k8s.example.com',
        'kubernetes.io/auth-provider': 'google',
      }),
    ]);
    const registry = await pending;
    await registry.refresh();
    jest
      .spyOn(catalog, 'getEntities')
      .mockRejectedValueOnce(new Error('catalog unavailable'));
    await registry.refresh();
    expect(registry.list().map(c => c.name)).toEqual(['configured', 'public']);
  });
});

function withSimUrl(entity: Entity, url: string): Entity {
  const annotations = { ...entity.metadata.annotations };
  if (annotations['kubernetes.io/api-server'] === '__SIM__') {
    annotations['kubernetes.io/api-server'] = url;
  }
  return { ...entity, metadata: { ...entity.metadata, annotations } };
}
