import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigClusterRegistry } from './ClusterRegistry';

const logger = mockServices.logger.mock();

describe('ConfigClusterRegistry', () => {
  const demo = jest.fn(async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        { name: 'demo', server: 'http://127.0.0.1:1', skipTLSVerify: true },
      ],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'demo', cluster: 'demo', user: 'u' }],
      currentContext: 'demo',
    });
    return { kubeConfig, stop: jest.fn(async () => undefined) };
  });
  beforeEach(() => demo.mockClear());

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
      demoCluster: demo,
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
    expect(demo).not.toHaveBeenCalled();
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
            clusters: [{ name: 'a', url: 'https://a', authProvider: 'aws' }],
          },
        }),
        logger,
        kubeconfigPath: null,
      }),
    ).rejects.toThrow('authProvider aws is not supported');
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
    const registry = await ConfigClusterRegistry.create({
      config: new ConfigReader({}),
      logger,
      demoCluster: demo,
      kubeconfigPath: file,
      production: false,
    });
    expect(registry.list().map(c => c.name)).toEqual(['one', 'two']);
    expect(registry.get('two')!.kubeConfig.getCurrentCluster()?.server).toBe(
      'https://k2.example.com',
    );
    expect(demo).not.toHaveBeenCalled();
  });

  it('falls back to the simulated demo cluster, unless disabled or in production', async () => {
    const registry = await ConfigClusterRegistry.create({
      config: new ConfigReader({}),
      logger,
      demoCluster: demo,
      kubeconfigPath: null,
      production: false,
    });
    expect(registry.list().map(c => [c.name, c.simulated])).toEqual([
      ['demo', true],
    ]);
    await registry.stop();

    const disabled = await ConfigClusterRegistry.create({
      config: new ConfigReader({
        certificates: { demoCluster: { enabled: false } },
      }),
      logger,
      demoCluster: demo,
      kubeconfigPath: null,
      production: false,
    });
    expect(disabled.list()).toEqual([]);
    const production = await ConfigClusterRegistry.create({
      config: new ConfigReader({}),
      logger,
      demoCluster: demo,
      kubeconfigPath: null,
      production: true,
    });
    expect(production.list()).toEqual([]);
    expect(demo).toHaveBeenCalledTimes(1);
  });
});
