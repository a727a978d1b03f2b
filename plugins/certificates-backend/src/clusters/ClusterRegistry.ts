import fs from 'fs';
import os from 'os';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';

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

/** Starts a simulated demo cluster; returns its kubeconfig and a stop function. */
export type DemoClusterFactory = () => Promise<{
  kubeConfig: KubeConfig;
  stop(): Promise<void>;
}>;

function fromClusterConfig(
  c: Config,
  kubeconfigPath: string | undefined,
): ClusterHandle {
  const name = c.getString('name');
  const kc = new KubeConfig();
  const context = c.getOptionalString('kubeconfigContext');
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  if (context || authProvider === 'kubeconfig') {
    loadKubeconfig(kc, kubeconfigPath);
    kc.setCurrentContext(context ?? kc.getCurrentContext());
    return { name, simulated: false, kubeConfig: kc };
  }
  if (authProvider !== 'serviceAccount') {
    throw new Error(
      `certificates.clusters[${name}]: authProvider ${authProvider} is not supported; use serviceAccount or kubeconfig`,
    );
  }
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: c.getString('url'),
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [
      {
        name: `${name}-user`,
        token: c.getOptionalString('serviceAccountToken'),
      },
    ],
    contexts: [{ name, cluster: name, user: `${name}-user` }],
    currentContext: name,
  });
  return { name, simulated: false, kubeConfig: kc };
}

function defaultKubeconfigPath(): string | undefined {
  const env = process.env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  const candidate = env ?? path.join(os.homedir(), '.kube', 'config');
  return fs.existsSync(candidate) ? candidate : undefined;
}

function loadKubeconfig(kc: KubeConfig, file: string | undefined) {
  if (!file) {
    throw new Error('no kubeconfig file found (KUBECONFIG or ~/.kube/config)');
  }
  kc.loadFromFile(file);
}

/**
 * Clusters from `certificates.clusters`; when none are configured: the
 * contexts of the user's kubeconfig, else (in development, or when
 * `certificates.demoCluster.enabled` is true) a simulated demo cluster.
 */
export class ConfigClusterRegistry implements ClusterRegistry {
  private constructor(
    private readonly clusters: ClusterHandle[],
    private readonly stops: Array<() => Promise<void>>,
  ) {}

  static async create(options: {
    config: Config;
    logger: LoggerService;
    demoCluster?: DemoClusterFactory;
    /** Overrides KUBECONFIG / ~/.kube/config discovery (tests). */
    kubeconfigPath?: string | null;
    production?: boolean;
  }): Promise<ConfigClusterRegistry> {
    const { config, logger } = options;
    const kubeconfigPath =
      options.kubeconfigPath === null
        ? undefined
        : options.kubeconfigPath ?? defaultKubeconfigPath();
    const configured =
      config.getOptionalConfigArray('certificates.clusters') ?? [];
    if (configured.length > 0) {
      const clusters = configured.map(c =>
        fromClusterConfig(c, kubeconfigPath),
      );
      const names = new Set<string>();
      for (const c of clusters) {
        if (names.has(c.name))
          throw new Error(`certificates.clusters: duplicate name ${c.name}`);
        names.add(c.name);
      }
      return new ConfigClusterRegistry(clusters, []);
    }
    const production =
      options.production ?? process.env.NODE_ENV === 'production';
    const demoEnabled = config.getOptionalBoolean(
      'certificates.demoCluster.enabled',
    );
    if (kubeconfigPath && !production) {
      const base = new KubeConfig();
      base.loadFromFile(kubeconfigPath);
      const clusters = base.getContexts().map(ctx => {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        kc.setCurrentContext(ctx.name);
        return { name: ctx.name, simulated: false, kubeConfig: kc };
      });
      if (clusters.length > 0) {
        logger.info(
          `Discovering certificates in kubeconfig contexts ${clusters
            .map(c => c.name)
            .join(', ')} (${kubeconfigPath})`,
        );
        return new ConfigClusterRegistry(clusters, []);
      }
    }
    if ((demoEnabled ?? !production) && options.demoCluster) {
      const demo = await options.demoCluster();
      logger.warn(
        'No clusters configured and no kubeconfig found: using the SIMULATED demo cluster "demo". ' +
          'Configure certificates.clusters for real clusters, or set certificates.demoCluster.enabled: false.',
      );
      return new ConfigClusterRegistry(
        [{ name: 'demo', simulated: true, kubeConfig: demo.kubeConfig }],
        [demo.stop],
      );
    }
    logger.warn('No clusters configured for certificate discovery');
    return new ConfigClusterRegistry([], []);
  }

  /** A registry of given clusters (tests, tools). */
  static fromClusters(clusters: ClusterHandle[]): ConfigClusterRegistry {
    return new ConfigClusterRegistry(clusters, []);
  }

  list(): ClusterHandle[] {
    return [...this.clusters];
  }

  get(name: string): ClusterHandle | undefined {
    return this.clusters.find(c => c.name === name);
  }

  /** Stops the demo cluster, if one was started. */
  async stop(): Promise<void> {
    await Promise.all(this.stops.map(s => s()));
  }
}
