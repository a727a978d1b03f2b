import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api } from '@kubernetes/client-node';
import { setupServer } from 'msw/node';
import {
  awsIamTokenAuthenticator,
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { describeFailure } from '../../discovery/errors';
import { ConfigClusterRegistry } from '../ClusterRegistry';
import {
  entraIdTokenEndpoint,
  gceMetadataToken,
  googleServiceAccount,
  mockStsAssumeRole,
  noExternalNetwork,
} from './__testUtils__/cloudMocks';

const logger = mockServices.logger.mock();
const server = setupServer();
const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
];
const savedEnv = Object.fromEntries(ENV_KEYS.map(k => [k, process.env[k]]));

let sim: KubernetesApiSimulator;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  sim = await KubernetesApiSimulator.start();
});
afterAll(async () => {
  server.close();
  await sim.stop();
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});
beforeEach(() => {
  server.resetHandlers();
  sim.clearRequests();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBACKEND';
  process.env.AWS_SECRET_ACCESS_KEY = 'backend-secret';
  process.env.AWS_REGION = 'eu-west-1';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

/** The Kubernetes plugin's config, as an adopter writes it once for both plugins. */
function kubernetesConfig(
  clusters: object[],
  extra: Record<string, unknown> = {},
) {
  return new ConfigReader({
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [{ type: 'config', clusters }],
      ...extra,
    },
  });
}

async function registryFor(
  config: ConfigReader,
  now?: () => number,
): Promise<ConfigClusterRegistry> {
  return ConfigClusterRegistry.create({
    config,
    logger,
    kubeconfigPath: null,
    inCluster: { env: {} },
    now,
  });
}

async function listNamespaces(registry: ConfigClusterRegistry, name: string) {
  const api = registry.get(name)!.kubeConfig.makeApiClient(CoreV1Api);
  return api.listNamespace();
}

const lastUser = () => sim.requests().at(-1)?.user;

/** A cluster entry for the simulator (plain HTTP, hence skipTLSVerify). */
const simCluster = (
  name: string,
  authProvider: string,
  extra: Record<string, string> = {},
) => ({ name, url: sim.url, authProvider, skipTLSVerify: true, ...extra });

describe('cluster auth providers against the API server', () => {
  it('serviceAccount: sends the configured token', async () => {
    sim.addToken('sa-token', READ_ONLY_ACCESS, {
      user: 'system:serviceaccount:certs:reader',
    });
    const registry = await registryFor(
      kubernetesConfig([
        simCluster('sa', 'serviceAccount', { serviceAccountToken: 'sa-token' }),
      ]),
    );
    await listNamespaces(registry, 'sa');
    expect(lastUser()).toBe('system:serviceaccount:certs:reader');
  });

  it('aws: presents a SigV4-presigned GetCallerIdentity token bound to the cluster id', async () => {
    server.use(
      mockStsAssumeRole({
        callerKeyId: 'AKIDBACKEND',
        onAssume: () => {
          throw new Error('no role is configured');
        },
      }),
      noExternalNetwork,
    );
    const accepted: string[] = [];
    sim.addTokenAuthenticator(
      awsIamTokenAuthenticator({
        clusterId: 'eks-prod',
        keys: () => ({ AKIDBACKEND: 'backend-secret' }),
        rules: READ_ONLY_ACCESS,
        onAccepted: id => accepted.push(id),
      }),
    );
    const registry = await registryFor(
      kubernetesConfig([
        simCluster('eks-prod', 'aws'),
        // Signed for another cluster id: the server must refuse it.
        simCluster('eks-other', 'aws'),
      ]),
    );
    await listNamespaces(registry, 'eks-prod');
    expect(lastUser()).toBe('aws:AKIDBACKEND');
    expect(accepted).toEqual(['AKIDBACKEND']);
    await expect(listNamespaces(registry, 'eks-other')).rejects.toMatchObject({
      code: 401,
    });
  });

  it('aws: assumes the configured role first, and signs with its session keys', async () => {
    let assumed = 0;
    const roles: Array<[string, string | null]> = [];
    server.use(
      mockStsAssumeRole({
        callerKeyId: 'AKIDBACKEND',
        onAssume: (role, externalId) => {
          roles.push([role, externalId]);
          assumed += 1;
          return {
            keyId: `ASIAROLE${assumed}`,
            secret: `role-secret-${assumed}`,
          };
        },
      }),
      noExternalNetwork,
    );
    // Only the newest session key is valid, like keys that expired.
    let valid = 1;
    sim.addTokenAuthenticator(
      awsIamTokenAuthenticator({
        clusterId: 'eks-role',
        keys: () => ({ [`ASIAROLE${valid}`]: `role-secret-${valid}` }),
        rules: READ_ONLY_ACCESS,
      }),
    );
    let clock = 1_000_000;
    const registry = await registryFor(
      kubernetesConfig([
        simCluster('eks-role', 'aws', {
          assumeRole: 'arn:aws:iam::123456789012:role/certificates',
          externalId: 'ext-1',
        }),
      ]),
      () => clock,
    );
    await listNamespaces(registry, 'eks-role');
    expect(lastUser()).toBe('aws:ASIAROLE1');
    expect(roles).toEqual([
      ['arn:aws:iam::123456789012:role/certificates', 'ext-1'],
    ]);

    // The token is reused while fresh: no new AssumeRole per request.
    await listNamespaces(registry, 'eks-role');
    expect(assumed).toBe(1);

    // The session keys expire: the cached token is refused ...
    valid = 2;
    await expect(listNamespaces(registry, 'eks-role')).rejects.toMatchObject({
      code: 401,
    });
    // ... and once it is due for renewal, a new role session signs it.
    clock += 11 * 60_000;
    await listNamespaces(registry, 'eks-role');
    expect(assumed).toBe(2);
    expect(lastUser()).toBe('aws:ASIAROLE2');
  });

  it('google: an access token from the service-account key, fetched from the token endpoint', async () => {
    let issued = 0;
    const google = googleServiceAccount(() => `ya29.token-${++issued}`);
    server.use(google.handler, noExternalNetwork);
    sim.addToken('ya29.token-1', READ_ONLY_ACCESS, {
      user: google.clientEmail,
    });
    const registry = await registryFor(
      kubernetesConfig([simCluster('gke', 'google')], {
        googleServiceAccountCredentials: JSON.stringify(google.keyFile),
      }),
    );
    await listNamespaces(registry, 'gke');
    expect(lastUser()).toBe(google.clientEmail);
    await listNamespaces(registry, 'gke');
    expect(issued).toBe(1);
  });

  it('google: without a key, Application Default Credentials use the metadata server', async () => {
    const saved = {
      GCE_METADATA_HOST: process.env.GCE_METADATA_HOST,
      METADATA_SERVER_DETECTION: process.env.METADATA_SERVER_DETECTION,
      GOOGLE_APPLICATION_CREDENTIALS:
        process.env.GOOGLE_APPLICATION_CREDENTIALS,
    };
    process.env.GCE_METADATA_HOST = 'metadata.test';
    process.env.METADATA_SERVER_DETECTION = 'assume-present';
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      server.use(
        gceMetadataToken('metadata.test', () => 'ya29.from-metadata'),
        noExternalNetwork,
      );
      sim.addToken('ya29.from-metadata', READ_ONLY_ACCESS, {
        user: 'gke-node-sa@project.iam.gserviceaccount.com',
      });
      const registry = await registryFor(
        kubernetesConfig([simCluster('gke-adc', 'googleServiceAccount')]),
      );
      await listNamespaces(registry, 'gke-adc');
      expect(lastUser()).toBe('gke-node-sa@project.iam.gserviceaccount.com');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('azure: a token for the AKS scope from DefaultAzureCredential', async () => {
    process.env.AZURE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    process.env.AZURE_CLIENT_ID = 'c0ffee00-0000-4000-8000-000000000001';
    process.env.AZURE_CLIENT_SECRET = 'client-secret';
    const scopes: Array<string | null> = [];
    server.use(
      ...entraIdTokenEndpoint({
        tenantId: process.env.AZURE_TENANT_ID,
        clientId: process.env.AZURE_CLIENT_ID,
        clientSecret: 'client-secret',
        accessToken: () => 'aks-token',
        onScope: s => scopes.push(s),
      }),
      noExternalNetwork,
    );
    sim.addToken('aks-token', READ_ONLY_ACCESS, { user: 'aad:certificates' });
    const registry = await registryFor(
      kubernetesConfig([simCluster('aks', 'azure')]),
    );
    await listNamespaces(registry, 'aks');
    expect(lastUser()).toBe('aad:certificates');
    expect(scopes[0]).toContain(
      '6dae42f8-4368-4678-94ff-3960e28e3630/.default',
    );
  });

  it('a provider that fails gives the cluster a clear reason, not a crash', async () => {
    server.use(
      // STS refuses: the backend's identity may not assume that role.
      mockStsAssumeRole({
        callerKeyId: 'AKIDSOMEONEELSE',
        onAssume: () => ({ keyId: 'never', secret: 'never' }),
      }),
      noExternalNetwork,
    );
    const registry = await registryFor(
      kubernetesConfig([
        simCluster('eks-denied', 'aws', {
          assumeRole: 'arn:aws:iam::123456789012:role/none',
        }),
        simCluster('oidc-only', 'oidc', { oidcTokenProvider: 'okta' }),
      ]),
    );
    const failure = await listNamespaces(registry, 'eks-denied').catch(e => e);
    expect(describeFailure(failure).reason).toMatch(
      /^cannot obtain aws credentials for cluster eks-denied: /,
    );
    const oidc = await listNamespaces(registry, 'oidc-only').catch(e => e);
    expect(describeFailure(oidc).reason).toMatch(
      /cannot obtain oidc credentials for cluster oidc-only: oidc tokens belong to a signed-in user/,
    );
    // A broken key file is reported without quoting any of it.
    const broken = await registryFor(
      kubernetesConfig([simCluster('gke-broken', 'google')], {
        googleServiceAccountCredentials:
          '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEsecret", oops}',
      }),
    );
    const keyFailure = await listNamespaces(broken, 'gke-broken').catch(e => e);
    expect(describeFailure(keyFailure).reason).toBe(
      'cannot obtain google credentials for cluster gke-broken: kubernetes.googleServiceAccountCredentials is not valid JSON',
    );
    // Nothing reached the API server without credentials.
    expect(sim.requests()).toEqual([]);
  });
});
