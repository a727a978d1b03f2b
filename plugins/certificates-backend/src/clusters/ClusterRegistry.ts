import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  AuthenticationStrategy,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  CertificatesClusterDetails,
  CertificatesClusterSource,
} from '@kubecerts/backstage-plugin-certificates-node';
import { ClusterCredentials } from './auth/ClusterCredentials';
import {
  BuiltinClustersOptions,
  builtinClusters,
  defaultKubeconfigPath,
  handleFor,
} from './builtinClusters';
import { HostLookup } from './locators/apiServerUrl';
import { CatalogClusterLocator } from './locators/CatalogClusterLocator';
import { ConfiguredCluster } from './locators/clusterDetailsFromConfig';

/** One cluster the plugin talks to. */
export interface ClusterHandle {
  name: string;
  /** True for the in-process demo cluster. */
  simulated: boolean;
  /** A kubeconfig whose current context is this cluster. */
  kubeConfig: KubeConfig;
}

/** The configured clusters, for discovery and for delivery (Secrets, cert-manager). */
export interface ClusterRegistry {
  list(): ClusterHandle[];
  get(name: string): ClusterHandle | undefined;
}

export interface ConfigClusterRegistryOptions {
  /** The root config (kubernetes.* and the aws integration are read too). */
  config: Config;
  logger: LoggerService;
  sources?: CertificatesClusterSource[];
  /** certificates.clusters as config.ts reads it; read here when not given. */
  clusters?: ConfiguredCluster[];
  /** For the Kubernetes plugin's `catalog` locator method. */
  catalog?: CatalogService;
  auth?: AuthService;
  /** Authentication strategies added by modules, by provider name. */
  strategies?: Record<string, AuthenticationStrategy>;
  /** Overrides KUBECONFIG / ~/.kube/config discovery (tests). */
  kubeconfigPath?: string | null;
  production?: boolean;
  /** The pod's environment and service-account files (tests). */
  inCluster?: BuiltinClustersOptions['inCluster'];
  now?: () => number;
  lookup?: HostLookup;
}

function sourceHandle(
  details: CertificatesClusterDetails,
  credentials: ClusterCredentials,
): ClusterHandle {
  const simulated = details.simulated ?? false;
  if ('kubeConfig' in details) {
    return { name: details.name, simulated, kubeConfig: details.kubeConfig };
  }
  const cluster: ClusterDetails = {
    name: details.name,
    url: details.url,
    caData: details.caData,
    caFile: details.caFile,
    skipTLSVerify: details.skipTLSVerify ?? false,
    authMetadata: {
      ...(details.serviceAccountToken && {
        serviceAccountToken: details.serviceAccountToken,
      }),
      ...details.authMetadata,
      [ANNOTATION_KUBERNETES_AUTH_PROVIDER]:
        details.authProvider ?? 'serviceAccount',
    },
  };
  return handleFor(cluster, { credentials }, simulated);
}

/**
 * The built-in clusters (see `builtinClusters`), then those of the sources
 * modules added on `certificatesClusterSourceExtensionPoint`, in order;
 * clusters registered in the catalog join on `refresh()`.
 */
export class ConfigClusterRegistry implements ClusterRegistry {
  private catalogClusters: ClusterHandle[] = [];
  private readonly listeners: Array<() => void> = [];

  private constructor(
    private readonly clusters: ClusterHandle[],
    private readonly stops: Array<() => Promise<void>>,
    private readonly catalog?: {
      locator: CatalogClusterLocator;
      credentials: ClusterCredentials;
      logger: LoggerService;
    },
  ) {}

  static async create(
    options: ConfigClusterRegistryOptions,
  ): Promise<ConfigClusterRegistry> {
    const { config, logger } = options;
    const credentials = ClusterCredentials.create({
      config,
      logger,
      strategies: options.strategies,
      now: options.now,
    });
    const builtin = builtinClusters({
      config,
      logger,
      credentials,
      clusters: options.clusters,
      kubeconfigPath:
        options.kubeconfigPath === null
          ? undefined
          : options.kubeconfigPath ?? defaultKubeconfigPath(),
      production: options.production ?? process.env.NODE_ENV === 'production',
      inCluster: options.inCluster,
    });
    const clusters = builtin.handles;
    const names = new Set<string>();
    const add = (c: ClusterHandle) => {
      if (names.has(c.name))
        throw new Error(`certificates.clusters: duplicate name ${c.name}`);
      names.add(c.name);
    };
    clusters.forEach(add);
    const stops: Array<() => Promise<void>> = [];
    for (const source of options.sources ?? []) {
      const supplied = await source.getClusters({
        existingClusterNames: [...names],
      });
      if (source.stop) stops.push(() => source.stop!());
      for (const details of supplied) {
        const handle = sourceHandle(details, credentials);
        add(handle);
        clusters.push(handle);
      }
    }
    let catalog;
    if (builtin.catalog && options.catalog && options.auth) {
      catalog = {
        locator: CatalogClusterLocator.create({
          catalog: options.catalog,
          auth: options.auth,
          logger,
          ...builtin.catalog,
          lookup: options.lookup,
        }),
        credentials,
        logger,
      };
    } else if (builtin.catalog) {
      logger.warn(
        'kubernetes.clusterLocatorMethods has a catalog method, but no catalog was given to the certificates cluster registry',
      );
    }
    if (clusters.length === 0 && !catalog) {
      logger.warn('No clusters configured for certificate discovery');
    }
    return new ConfigClusterRegistry(clusters, stops, catalog);
  }

  /** A registry of given clusters (tests, tools). */
  static fromClusters(clusters: ClusterHandle[]): ConfigClusterRegistry {
    return new ConfigClusterRegistry(clusters, []);
  }

  list(): ClusterHandle[] {
    return [...this.clusters, ...this.catalogClusters];
  }

  get(name: string): ClusterHandle | undefined {
    return this.list().find(c => c.name === name);
  }

  /** Called after `refresh()` changed the set of clusters. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reads the clusters registered in the catalog again (the catalog is not
   * served before the backend has started, so this runs after start and
   * on a schedule). A failed read keeps the clusters known so far.
   */
  async refresh(): Promise<void> {
    if (!this.catalog) return;
    const { locator, credentials, logger } = this.catalog;
    let found: ClusterDetails[];
    try {
      found = await locator.getClusters();
    } catch (e) {
      logger.warn(`Reading kubernetes-cluster entities failed: ${e}`);
      return;
    }
    const taken = new Set(this.clusters.map(c => c.name));
    const next: ClusterHandle[] = [];
    for (const details of found) {
      if (taken.has(details.name)) {
        logger.warn(
          `Ignoring kubernetes-cluster Resource ${details.name}: a cluster of that name is already configured`,
        );
        continue;
      }
      try {
        next.push(handleFor(details, { credentials }));
        taken.add(details.name);
      } catch (e) {
        logger.warn(
          `Ignoring kubernetes-cluster Resource ${details.name}: ${
            (e as Error).message
          }`,
        );
      }
    }
    const before = this.catalogClusters.map(c => c.name).join();
    this.catalogClusters = next;
    if (before !== next.map(c => c.name).join()) {
      this.listeners.forEach(l => l());
    }
  }

  /** Stops what the sources started (e.g. a simulated cluster). */
  async stop(): Promise<void> {
    await Promise.all(this.stops.map(s => s()));
  }
}
