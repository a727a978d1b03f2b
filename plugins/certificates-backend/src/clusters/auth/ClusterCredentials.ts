import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type {
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { KubeConfig } from '@kubernetes/client-node';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** The name under which a cluster's user points at its credential provider. */
export const CLUSTER_AUTH_PROVIDER = 'certificates-cluster-credentials';

/**
 * Providers that only exist on behalf of a signed-in user (the Kubernetes
 * plugin takes their token from the browser's request). Discovery, delivery
 * and renewals run without a user, so such clusters cannot be read by them.
 */
const PER_USER_PROVIDERS = new Set(['oidc', 'aks', 'pinniped']);

/**
 * How long a fetched token is reused. The strategies return no expiry, so
 * this stays well inside the shortest lifetime: an EKS token is accepted for
 * 15 minutes, Google and Entra ID access tokens live about an hour (the
 * Azure strategy also renews on its own 15 minutes before expiry).
 */
const TOKEN_TTL_MS: Record<string, number> = {
  aws: 10 * 60_000,
  azure: 5 * 60_000,
  google: 10 * 60_000,
  googleServiceAccount: 10 * 60_000,
};
const DEFAULT_TTL_MS = 5 * 60_000;

/** A credential provider failed; the message names the cluster and provider. */
export class ClusterCredentialError extends Error {
  constructor(cluster: string, provider: string, reason: string) {
    super(
      `cannot obtain ${provider} credentials for cluster ${cluster}: ${reason}`.slice(
        0,
        500,
      ),
    );
    this.name = 'ClusterCredentialError';
  }
}

export function authProviderOf(cluster: ClusterDetails): string {
  return (
    cluster.authMetadata?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    'serviceAccount'
  );
}

/** Whether background work can authenticate with this provider at all. */
export function isPerUserProvider(provider: string): boolean {
  return PER_USER_PROVIDERS.has(provider);
}

interface CachedToken {
  credential?: KubernetesCredential;
  fetchedAt: number;
  inflight?: Promise<KubernetesCredential>;
}

export interface ClusterCredentialsOptions {
  /**
   * The root config: the AWS strategy reads the `aws` integration, the
   * Google one `kubernetes.googleServiceAccountCredentials`, as they do in
   * the Kubernetes plugin.
   */
  config: Config;
  logger: LoggerService;
  /** Added or replacing strategies by provider name (modules, tests). */
  strategies?: Record<string, AuthenticationStrategy>;
  now?: () => number;
}

/**
 * Credentials for the clusters the plugin works in without a user: the
 * Kubernetes plugin's own authentication strategies (loaded from
 * `@backstage/plugin-kubernetes-backend` on first use, so a deployment
 * that only uses service-account tokens never loads the cloud SDKs), with
 * their tokens cached and renewed before they expire.
 */
export class ClusterCredentials {
  private readonly cache = new Map<string, CachedToken>();
  private readonly loaded = new Map<string, Promise<AuthenticationStrategy>>();
  private readonly now: () => number;

  private constructor(private readonly options: ClusterCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  static create(options: ClusterCredentialsOptions): ClusterCredentials {
    return new ClusterCredentials(options);
  }

  /** Throws for a provider name this plugin does not know, listing those it does. */
  static assertKnown(
    provider: string,
    extra: Record<string, AuthenticationStrategy> = {},
  ): void {
    const known = [
      'serviceAccount',
      'localKubectlProxy',
      ...Object.keys(TOKEN_TTL_MS),
      ...PER_USER_PROVIDERS,
      ...Object.keys(extra),
    ];
    if (!known.includes(provider)) {
      throw new Error(
        `authProvider ${provider} is not supported; use one of ${known.join(
          ', ',
        )}`,
      );
    }
  }

  /** A client-node authenticator that puts the cluster's credential on every request. */
  authenticator(cluster: ClusterDetails): Authenticator {
    return {
      isAuthProvider: user =>
        user.authProvider?.name === CLUSTER_AUTH_PROVIDER &&
        user.authProvider?.config?.cluster === cluster.name,
      applyAuthentication: async (_user, opts) => {
        const credential = await this.credential(cluster);
        if (credential.type === 'bearer token') {
          opts.headers = {
            ...opts.headers,
            Authorization: `Bearer ${credential.token}`,
          };
        } else if (credential.type === 'x509 client certificate') {
          Object.assign(opts, { cert: credential.cert, key: credential.key });
        }
      },
    };
  }

  /** The cluster's credential, from the cache while it is fresh. */
  async credential(cluster: ClusterDetails): Promise<KubernetesCredential> {
    const provider = authProviderOf(cluster);
    const ttl = TOKEN_TTL_MS[provider] ?? DEFAULT_TTL_MS;
    const entry = this.cache.get(cluster.name) ?? { fetchedAt: 0 };
    this.cache.set(cluster.name, entry);
    if (entry.credential && this.now() - entry.fetchedAt < ttl) {
      return entry.credential;
    }
    if (!entry.inflight) {
      entry.inflight = this.fetch(cluster, provider)
        .then(credential => {
          entry.credential = credential;
          entry.fetchedAt = this.now();
          return credential;
        })
        .finally(() => {
          entry.inflight = undefined;
        });
    }
    return entry.inflight;
  }

  /** Forgets a cached token, e.g. after the API server refused it. */
  invalidate(clusterName: string): void {
    this.cache.delete(clusterName);
  }

  private async fetch(
    cluster: ClusterDetails,
    provider: string,
  ): Promise<KubernetesCredential> {
    if (isPerUserProvider(provider) && !this.options.strategies?.[provider]) {
      throw new ClusterCredentialError(
        cluster.name,
        provider,
        `${provider} tokens belong to a signed-in user, and discovery and delivery run without one; give the cluster a serviceAccount, aws, google or azure provider for this plugin (certificates.clusters)`,
      );
    }
    let strategy: AuthenticationStrategy;
    try {
      strategy = await this.strategy(provider);
    } catch (e) {
      throw new ClusterCredentialError(cluster.name, provider, errorText(e));
    }
    let credential: KubernetesCredential;
    try {
      credential = await strategy.getCredential(cluster, {});
    } catch (e) {
      this.options.logger.warn(
        `Credentials for cluster ${
          cluster.name
        } (${provider}) failed: ${errorText(e)}`,
      );
      throw new ClusterCredentialError(cluster.name, provider, errorText(e));
    }
    if (credential.type === 'bearer token' && !credential.token) {
      throw new ClusterCredentialError(
        cluster.name,
        provider,
        'the provider returned an empty token',
      );
    }
    return credential;
  }

  private strategy(provider: string): Promise<AuthenticationStrategy> {
    const given = this.options.strategies?.[provider];
    if (given) return Promise.resolve(given);
    let loading = this.loaded.get(provider);
    if (!loading) {
      loading = loadStrategy(provider, this.options);
      // A failed load (missing SDK) is retried on the next request.
      loading.catch(() => this.loaded.delete(provider));
      this.loaded.set(provider, loading);
    }
    return loading;
  }
}

async function loadStrategy(
  provider: string,
  options: ClusterCredentialsOptions,
): Promise<AuthenticationStrategy> {
  // required here, not imported at the top: the cloud SDKs it brings are
  // loaded only when a cluster uses one of these providers.
  const k8s: typeof import('@backstage/plugin-kubernetes-backend') = require('@backstage/plugin-kubernetes-backend');
  switch (provider) {
    case 'aws':
      return new k8s.AwsIamStrategy({ config: options.config });
    case 'azure':
      return new k8s.AzureIdentityStrategy(options.logger);
    // The Kubernetes plugin's `google` forwards the signed-in user's Google
    // token; without a user, the backend's Application Default Credentials
    // (or kubernetes.googleServiceAccountCredentials) stand in for it.
    case 'google':
    case 'googleServiceAccount':
      assertJsonKey(options.config);
      return new k8s.GoogleServiceAccountStrategy({ config: options.config });
    default:
      throw new Error(`authProvider ${provider} is not supported`);
  }
}

/**
 * A JSON.parse message quotes the text around the error, which here is a
 * private key; the cluster status and the logs must get a plain sentence.
 */
function assertJsonKey(config: Config) {
  const key = config.getOptionalString(
    'kubernetes.googleServiceAccountCredentials',
  );
  if (key === undefined) return;
  try {
    JSON.parse(key);
  } catch {
    throw new Error(
      'kubernetes.googleServiceAccountCredentials is not valid JSON',
    );
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
