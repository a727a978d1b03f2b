import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { OwnershipEntity } from '@kubecerts/backstage-plugin-certificates-common';
import { ConfigClusterRegistry } from '../clusters/ClusterRegistry';
import {
  DiscoveryService,
  DiscoveryServiceOptions,
} from '../discovery/DiscoveryService';

/** Short backoff, timeouts and pages, so that retries and relists happen within a test. */
export const FAST_SYNC = {
  backoff: { initialMs: 50, maxMs: 200 },
  requestTimeoutMs: 2_000,
  watchTimeoutSeconds: 30,
  pageSize: 3,
};

/** A registry of simulated clusters, by name. */
export function simulatedRegistry(
  kubeConfigs: Record<string, KubeConfig>,
): ConfigClusterRegistry {
  return ConfigClusterRegistry.fromClusters(
    Object.entries(kubeConfigs).map(([name, kubeConfig]) => ({
      name,
      simulated: true,
      kubeConfig,
    })),
  );
}

/** A catalog component that owns the workloads labelled with its kubernetes-id. */
export function kubernetesIdEntity(
  id: string,
  ownerRef: string,
): OwnershipEntity {
  return {
    entityRef: `component:default/${id}`,
    ownerRef,
    annotations: { 'backstage.io/kubernetes-id': id },
  };
}

/** A catalog with no entities: every discovered row is unowned. */
export const emptyCatalog = async (): Promise<OwnershipEntity[]> => [];

/**
 * A discovery service with a mock logger, fast sync and an empty catalog
 * unless given; the caller starts and stops it.
 */
export function testDiscovery(
  options: Omit<DiscoveryServiceOptions, 'logger' | 'loadEntities'> &
    Partial<Pick<DiscoveryServiceOptions, 'logger' | 'loadEntities'>>,
): DiscoveryService {
  return DiscoveryService.create({
    logger: mockServices.logger.mock(),
    loadEntities: emptyCatalog,
    sync: FAST_SYNC,
    ...options,
  });
}
