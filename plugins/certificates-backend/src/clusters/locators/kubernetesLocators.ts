import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  readConfiguredCluster,
  toClusterDetails,
} from './clusterDetailsFromConfig';

/** What `kubernetes.clusterLocatorMethods` says, for this plugin. */
export interface KubernetesLocatorMethods {
  /** Clusters known from config alone (`config`, `localKubectlProxy`). */
  clusters: ClusterDetails[];
  /** Set when a `catalog` method is configured: its app-config allowances. */
  catalog?: { allowedHosts?: string[]; allowSkipTLSVerify?: boolean };
}

/** Where `kubectl proxy` listens by default. */
export const LOCAL_KUBECTL_PROXY_URL = 'http://127.0.0.1:8001';

/**
 * Reads `kubernetes.clusterLocatorMethods`: the Kubernetes plugin's
 * settings, read here on purpose and only here (certificates.* is read by
 * config.ts), so that a cluster is configured once for both plugins.
 * Returns undefined when the key is absent.
 */
export function readKubernetesLocatorMethods(
  config: Config,
  logger: LoggerService,
): KubernetesLocatorMethods | undefined {
  const methods = config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  );
  if (!methods) return undefined;
  const result: KubernetesLocatorMethods = { clusters: [] };
  for (const method of methods) {
    const type = method.getString('type');
    switch (type) {
      case 'config':
        for (const c of method.getOptionalConfigArray('clusters') ?? []) {
          // Like the Kubernetes plugin: an entry must name its provider.
          result.clusters.push(
            toClusterDetails(readConfiguredCluster(c), undefined),
          );
        }
        break;
      case 'localKubectlProxy':
        result.clusters.push({
          name: 'local',
          url: LOCAL_KUBECTL_PROXY_URL,
          // Plain HTTP on loopback: client-node only allows it with this set.
          skipTLSVerify: true,
          authMetadata: {
            [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'localKubectlProxy',
          },
        });
        break;
      case 'catalog':
        result.catalog = {
          allowedHosts: method.getOptionalStringArray(
            'dangerouslyAllowClusterUrls',
          ),
          allowSkipTLSVerify: method.getOptionalBoolean(
            'dangerouslyAllowSkipTLSVerify',
          ),
        };
        break;
      default:
        logger.warn(
          `kubernetes.clusterLocatorMethods type ${type} is not read by the certificates plugin; list those clusters in certificates.clusters`,
        );
    }
  }
  return result;
}
