import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import {
  CertificatesClusterDetails,
  CertificatesClusterSource,
} from '@kubecerts/backstage-plugin-certificates-node';
import { ConfigClusterRegistry } from './ClusterRegistry';

const logger = mockServices.logger.mock();

describe('ConfigClusterRegistry', () => {
  // Stands in for a module's source that, like the demo cluster, only adds
  // a cluster when nobody else did.
  const demoKubeConfig = () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        { name: 'demo', server: 'http://127.0.0.1:1', skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'demo', cluster: 'demo', user: 'u' }],
      currentContext: 'demo',
    });
    return kubeConfig;
  };
  const getClusters = jest.fn(
    async (context: {
      existingClusterNames: string[];
    }): Promise<CertificatesClusterDetails[]> =>
      context.existingClusterNames.length > 0
        ? []
        : [{ name: 'demo', simulated: true, kubeConfig: demoKubeConfig() }],
  );
  const stop = jest.fn(async () => undefined);
  const demo: CertificatesClusterSource = { getClusters, stop };
  /** A development registry: no configured cluster, the demo source, and `kubeconfigPath`. */
  const withDemoSource = (kubeconfigPath: string | null) =>
    ConfigClusterRegistry.create({
      config: new ConfigReader({}),
      logger,
      sources: [demo],
      kubeconfigPath,
      production: false,
    });
  beforeEach(() => {
    getClusters.mockClear();
    stop.mockClear();
  });

  it('reads configured service-account clusters', async () => {
    const registry = await ConfigClusterRegistry.create({
      config: new ConfigReader({
        certificates: {
          clusters: [
            {
              name: 'prod',
              url: 'https://prod.example.com:6443',
              serviceAccountToken: 'secret-token',
              caData: 'Q0E=',
            },
            {
              name: 'dev',
              url: 'https://dev.example.com',
              skipTLSVerify: true,
              authProvider: 'serviceAccount',
            },
          ],
        },
      }),
      logger,
      sources: [demo],
      kubeconfigPath: null,
    });
    expect(registry.list().map(c => [c.name, c.simulated])).toEqual([
      ['prod', false],
      ['dev', false],
    ]);
    const prod = registry.get('prod')!;
    expect(prod.kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://prod.example.com:6443',
      caData: 'Q0E=',
      skipTLSVerify: false,
    });
    expect(prod.kubeConfig.getCurrentUser()?.token).toBe('secret-token');
    expect(
      registry.get('dev')!.kubeConfig.getCurrentCluster()?.skipTLSVerify,
    ).toBe(true);
    expect(registry.get('nope')).toBeUndefined();
    expect(getClusters).toHaveBeenCalledWith({
      existingClusterNames: ['prod', 'dev'],
    });
  });

  it('rejects duplicate names and unknown auth providers', async () => {
    await expect(
      ConfigClusterRegistry.create({
        config: new ConfigReader({
          certificates: {
            clusters: [
              { name: 'a', url: 'https://a' },
              { name: 'a', url: 'https://b' },
            ],
          },
        }),
        logger,
        kubeconfigPath: null,
      }),
    ).rejects.toThrow('duplicate name a');
    await expect(
      ConfigClusterRegistry.create({
        config: new ConfigReader({
          certificates: {
            clusters: [
              { name: 'a', url: 'https://a', authProvider: 'kerberos' },
            ],
          },
        }),
        logger,
        kubeconfigPath: null,
      }),
    ).rejects.toThrow(
      'certificates.clusters[a]: authProvider kerberos is not supported',
    );
  });

  it('uses kubeconfig contexts in development when no cluster is configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'k1', cluster: { server: 'https://k1.example.com' } },
          { name: 'k2', cluster: { server: 'https://k2.example.com' } },
        ],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [
          { name: 'one', context: { cluster: 'k1', user: 'u' } },
          { name: 'two', context: { cluster: 'k2', user: 'u' } },
        ],
        'current-context': 'one',
      }),
    );
    const registry = await withDemoSource(file);
    expect(registry.list().map(c => c.name)).toEqual(['one', 'two']);
    expect(registry.get('two')!.kubeConfig.getCurrentCluster()?.server).toBe(
      'https://k2.example.com',
    );
    expect(getClusters).toHaveBeenCalledWith({
      existingClusterNames: ['one', 'two'],
    });
  });

  it('adds the clusters of module sources after the built-in ones, and stops them', async () => {
    const registry = await withDemoSource(null);
    expect(getClusters).toHaveBeenCalledWith({ existingClusterNames: [] });
    expect(registry.list().map(c => [c.name, c.simulated])).toEqual([
      ['demo', true],
    ]);
    await registry.stop();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('builds a kubeconfig for a source cluster given by url and token', async () => {
    const registry = await ConfigClusterRegistry.create({
      config: new ConfigReader({}),
      logger,
      sources: [
        {
          getClusters: async () => [
            {
              name: 'remote',
              url: 'https://remote.example.com',
              serviceAccountToken: 'tok',
            },
          ],
        },
      ],
      kubeconfigPath: null,
    });
    const remote = registry.get('remote')!;
    expect(remote.simulated).toBe(false);
    expect(remote.kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://remote.example.com',
      skipTLSVerify: false,
    });
    expect(remote.kubeConfig.getCurrentUser()?.token).toBe('tok');
  });

  it('refuses a source cluster whose name is already taken', async () => {
    await expect(
      ConfigClusterRegistry.create({
        config: new ConfigReader({
          certificates: { clusters: [{ name: 'prod', url: 'https://a' }] },
        }),
        logger,
        sources: [
          { getClusters: async () => [{ name: 'prod', url: 'https://evil' }] },
        ],
        kubeconfigPath: null,
      }),
    ).rejects.toThrow('duplicate name prod');
  });
});
