import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { ConfigClusterRegistry } from './ClusterRegistry';

const logger = mockServices.logger.mock();
const POD_ENV = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  KUBERNETES_SERVICE_PORT: '443',
};

/** A pod's mounted service-account files under a temporary root. */
function mountServiceAccount(token: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sa-'));
  const dir = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'token'), token);
  fs.writeFileSync(path.join(dir, 'ca.crt'), 'not read in this test');
  return root;
}

async function authorizationOf(kc: KubeConfig): Promise<string | undefined> {
  const opts: { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts as any);
  return opts.headers?.Authorization;
}

const create = (
  data: object,
  extra: Partial<Parameters<typeof ConfigClusterRegistry.create>[0]> = {},
) =>
  ConfigClusterRegistry.create({
    config: new ConfigReader(data),
    logger,
    kubeconfigPath: null,
    inCluster: { env: {} },
    ...extra,
  });

describe('built-in clusters', () => {
  let sim: KubernetesApiSimulator;
  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start();
  });
  afterAll(() => sim.stop());

  it('reads the Kubernetes plugin config locator when certificates.clusters is absent', async () => {
    sim.addToken('pod-token', READ_ONLY_ACCESS, {
      user: 'system:serviceaccount:backstage:backend',
    });
    const registry = await create(
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: 'https://prod.example.com',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'prod-token',
                  caData: 'Q0E=',
                  dashboardUrl: 'https://dashboard.example.com',
                },
                // No token: the pod's own mounted token is used.
                {
                  name: 'local-sa',
                  url: sim.url,
                  authProvider: 'serviceAccount',
                  skipTLSVerify: true,
                },
              ],
            },
            { type: 'localKubectlProxy' },
            { type: 'gke', projectId: 'p' },
          ],
        },
      },
      {
        inCluster: {
          env: {},
          serviceAccountRoot: mountServiceAccount('pod-token'),
        },
      },
    );
    expect(registry.list().map(c => c.name)).toEqual([
      'prod',
      'local-sa',
      'local',
    ]);
    const prod = registry.get('prod')!.kubeConfig;
    expect(prod.getCurrentCluster()).toMatchObject({
      server: 'https://prod.example.com',
      caData: 'Q0E=',
      skipTLSVerify: false,
    });
    expect(await authorizationOf(prod)).toBe('Bearer prod-token');

    await registry
      .get('local-sa')!
      .kubeConfig.makeApiClient(CoreV1Api)
      .listNamespace();
    expect(sim.requests().at(-1)?.user).toBe(
      'system:serviceaccount:backstage:backend',
    );

    const local = registry.get('local')!.kubeConfig;
    expect(local.getCurrentCluster()?.server).toBe('http://127.0.0.1:8001');
    expect(await authorizationOf(local)).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'type gke is not read by the certificates plugin',
      ),
    );
  });

  it('keeps certificates.clusters first: it wins over the Kubernetes plugin config', async () => {
    const registry = await create({
      certificates: {
        clusters: [
          {
            name: 'mine',
            url: 'https://mine.example.com',
            serviceAccountToken: 't',
          },
        ],
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'theirs', url: 'https://theirs', authProvider: 'aws' },
            ],
          },
        ],
      },
    });
    expect(registry.list().map(c => c.name)).toEqual(['mine']);
  });

  it('refuses Kubernetes plugin clusters without a provider or with an unknown one', async () => {
    const withCluster = (cluster: object) => ({
      kubernetes: {
        clusterLocatorMethods: [{ type: 'config', clusters: [cluster] }],
      },
    });
    await expect(
      create(withCluster({ name: 'x', url: 'https://x' })),
    ).rejects.toThrow('cluster x has no auth provider');
    await expect(
      create(
        withCluster({ name: 'x', url: 'https://x', authProvider: 'kerberos' }),
      ),
    ).rejects.toThrow('authProvider kerberos is not supported');
  });

  it('uses the pod service account as the cluster "in-cluster" when nothing is configured', async () => {
    const root = mountServiceAccount('rotating-token-1');
    const env = POD_ENV;
    const registry = await create(
      {},
      { inCluster: { env, serviceAccountRoot: root } },
    );
    expect(registry.list().map(c => c.name)).toEqual(['in-cluster']);
    const kc = registry.get('in-cluster')!.kubeConfig;
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://10.96.0.1:443',
      caFile: `${root}/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`,
      skipTLSVerify: false,
    });
    expect(await authorizationOf(kc)).toBe('Bearer rotating-token-1');

    const named = await create(
      {},
      {
        inCluster: {
          env: {
            KUBERNETES_SERVICE_HOST: 'fd00::1',
            KUBERNETES_SERVICE_PORT: '6443',
          },
          serviceAccountRoot: root,
          name: 'platform',
        },
      },
    );
    expect(named.get('platform')!.kubeConfig.getCurrentCluster()?.server).toBe(
      'https://[fd00::1]:6443',
    );
  });

  it('does not use the pod service account when clusters are configured, or outside a pod', async () => {
    const root = mountServiceAccount('t');
    const env = POD_ENV;
    const configured = await create(
      {
        certificates: {
          clusters: [
            { name: 'mine', url: 'https://mine', serviceAccountToken: 't' },
          ],
        },
      },
      { inCluster: { env, serviceAccountRoot: root } },
    );
    expect(configured.list().map(c => c.name)).toEqual(['mine']);
    const noToken = await create(
      {},
      {
        inCluster: {
          env,
          serviceAccountRoot: fs.mkdtempSync(path.join(os.tmpdir(), 'none-')),
        },
      },
    );
    expect(noToken.list()).toEqual([]);
    const noEnv = await create(
      {},
      { inCluster: { env: {}, serviceAccountRoot: root } },
    );
    expect(noEnv.list()).toEqual([]);
  });

  it('lets module sources name an auth provider', async () => {
    const registry = await create(
      {},
      {
        sources: [
          {
            getClusters: async () => [
              {
                name: 'eks',
                url: 'https://eks.example.com',
                authProvider: 'aws',
                authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'eks-1' },
              },
            ],
          },
        ],
      },
    );
    expect(
      registry.get('eks')!.kubeConfig.getCurrentUser()?.authProvider?.name,
    ).toBe('certificates-cluster-credentials');
  });
});
