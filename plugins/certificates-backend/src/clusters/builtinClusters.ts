import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { ClusterCredentials, authProviderOf } from './auth/ClusterCredentials';
import { kubeConfigFor } from './auth/kubeConfigFor';
import {
  ConfiguredCluster,
  readConfiguredCluster,
  toClusterDetails,
} from './locators/clusterDetailsFromConfig';
import { inClusterDetails } from './locators/inCluster';
import {
  KubernetesLocatorMethods,
  readKubernetesLocatorMethods,
} from './locators/kubernetesLocators';
import type { ClusterHandle } from './ClusterRegistry';

export interface BuiltinClustersOptions {
  config: Config;
  logger: LoggerService;
  credentials: ClusterCredentials;
  /** certificates.clusters; read from `config` when not given. */
  clusters?: ConfiguredCluster[];
  kubeconfigPath: string | undefined;
  production: boolean;
  inCluster?: {
    env?: NodeJS.ProcessEnv;
    serviceAccountRoot?: string;
    name?: string;
  };
}

export interface BuiltinClusters {
  handles: ClusterHandle[];
  /** Set when kubernetes.clusterLocatorMethods has a `catalog` method. */
  catalog?: KubernetesLocatorMethods['catalog'];
}

export function defaultKubeconfigPath(): string | undefined {
  const env = process.env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  const candidate = env ?? path.join(os.homedir(), '.kube', 'config');
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Reads certificates.clusters (until config.ts hands the typed list over). */
export function readCertificatesClusters(config: Config): ConfiguredCluster[] {
  return (config.getOptionalConfigArray('certificates.clusters') ?? []).map(
    readConfiguredCluster,
  );
}

export function handleFor(
  details: ClusterDetails,
  options: Pick<BuiltinClustersOptions, 'credentials' | 'inCluster'>,
  simulated = false,
): ClusterHandle {
  ClusterCredentials.assertKnown(authProviderOf(details));
  return {
    name: details.name,
    simulated,
    kubeConfig: kubeConfigFor(details, {
      credentials: options.credentials,
      serviceAccountRoot: options.inCluster?.serviceAccountRoot,
    }),
  };
}

function fromKubeconfigContext(
  name: string,
  file: string | undefined,
  context: string | undefined,
): ClusterHandle {
  if (!file) {
    throw new Error('no kubeconfig file found (KUBECONFIG or ~/.kube/config)');
  }
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  kc.setCurrentContext(context ?? kc.getCurrentContext());
  return { name, simulated: false, kubeConfig: kc };
}

function fromConfigured(
  c: ConfiguredCluster,
  options: BuiltinClustersOptions,
): ClusterHandle {
  if (c.kubeconfigContext || c.authProvider === 'kubeconfig') {
    return fromKubeconfigContext(
      c.name,
      options.kubeconfigPath,
      c.kubeconfigContext,
    );
  }
  try {
    return handleFor(toClusterDetails(c, 'serviceAccount'), options);
  } catch (e) {
    throw new Error(
      `certificates.clusters[${c.name}]: ${(e as Error).message}`,
    );
  }
}

function kubeconfigContexts(options: BuiltinClustersOptions): ClusterHandle[] {
  const file = options.kubeconfigPath;
  if (!file || options.production) return [];
  const base = new KubeConfig();
  base.loadFromFile(file);
  const clusters = base
    .getContexts()
    .map(ctx => fromKubeconfigContext(ctx.name, file, ctx.name));
  if (clusters.length > 0) {
    options.logger.info(
      `Discovering certificates in kubeconfig contexts ${clusters
        .map(c => c.name)
        .join(', ')} (${file})`,
    );
  }
  return clusters;
}

/**
 * The clusters the plugin finds by itself, first match wins:
 * `certificates.clusters`; else the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods`; else, in a pod, its own cluster
 * through the service account; else (outside production) the contexts of
 * the user's kubeconfig.
 */
export function builtinClusters(
  options: BuiltinClustersOptions,
): BuiltinClusters {
  const { config, logger } = options;
  const configured = options.clusters ?? readCertificatesClusters(config);
  if (configured.length > 0) {
    return { handles: configured.map(c => fromConfigured(c, options)) };
  }
  const kubernetes = readKubernetesLocatorMethods(config, logger);
  if (kubernetes) {
    logger.info(
      'Using the clusters of kubernetes.clusterLocatorMethods for certificate discovery',
    );
    return {
      handles: kubernetes.clusters.map(d => handleFor(d, options)),
      catalog: kubernetes.catalog,
    };
  }
  const inCluster = inClusterDetails(options.inCluster ?? {});
  if (inCluster) {
    logger.info(
      `Discovering certificates in the cluster this backend runs in (${inCluster.url}) as its service account`,
    );
    return { handles: [handleFor(inCluster, options)] };
  }
  return { handles: kubeconfigContexts(options) };
}
