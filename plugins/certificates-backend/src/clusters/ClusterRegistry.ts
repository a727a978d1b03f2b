import fs from 'fs';
import os from 'os';
import path from 'path';
import { KubeConfig } from '@kubernetes/client-node';
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CertificatesClusterDetails,
  CertificatesClusterSource,
} from '@kubecerts/backstage-plugin-certificates-node';

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
  return fromDetails({
    name,
    url: c.getString('url'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
  });
}

function fromDetails(details: CertificatesClusterDetails): ClusterHandle {
  const { name } = details;
  const simulated = details.simulated ?? false;
  if ('kubeConfig' in details) {
    return { name, simulated, kubeConfig: details.kubeConfig };
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: details.url,
        caData: details.caData,
        caFile: details.caFile,
        skipTLSVerify: details.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: `${name}-user`, token: details.serviceAccountToken }],
    contexts: [{ name, cluster: name, user: `${name}-user` }],
    currentContext: name,
  });
  return { name, simulated, kubeConfig: kc };
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
 * The built-in source: `certificates.clusters`, else (outside production)
 * the contexts of the user's kubeconfig.
 */
function builtinClusters(options: {
  config: Config;
  logger: LoggerService;
  kubeconfigPath: string | undefined;
  production: boolean;
}): ClusterHandle[] {
  const { config, logger, kubeconfigPath } = options;
  const configured =
    config.getOptionalConfigArray('certificates.clusters') ?? [];
  if (configured.length > 0) {
    return configured.map(c => fromClusterConfig(c, kubeconfigPath));
  }
  if (!kubeconfigPath || options.production) return [];
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
  }
  return clusters;
}

/**
 * The built-in clusters, then those of the sources modules added on
 * `certificatesClusterSourceExtensionPoint`, in order.
 */
export class ConfigClusterRegistry implements ClusterRegistry {
  private constructor(
    private readonly clusters: ClusterHandle[],
    private readonly stops: Array<() => Promise<void>>,
  ) {}

  static async create(options: {
    config: Config;
    logger: LoggerService;
    sources?: CertificatesClusterSource[];
    /** Overrides KUBECONFIG / ~/.kube/config discovery (tests). */
    kubeconfigPath?: string | null;
    production?: boolean;
  }): Promise<ConfigClusterRegistry> {
    const { config, logger } = options;
    const kubeconfigPath =
      options.kubeconfigPath === null
        ? undefined
        : options.kubeconfigPath ?? defaultKubeconfigPath();
    const clusters = builtinClusters({
      config,
      logger,
      kubeconfigPath,
      production: options.production ?? process.env.NODE_ENV === 'production',
    });
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
        const handle = fromDetails(details);
        add(handle);
        clusters.push(handle);
      }
    }
    if (clusters.length === 0) {
      logger.warn('No clusters configured for certificate discovery');
    }
    return new ConfigClusterRegistry(clusters, stops);
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

  /** Stops what the sources started (e.g. a simulated cluster). */
  async stop(): Promise<void> {
    await Promise.all(this.stops.map(s => s()));
  }
}
