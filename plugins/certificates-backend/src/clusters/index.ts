export { ConfigClusterRegistry } from './ClusterRegistry';
export type {
  ClusterRegistry,
  ClusterHandle,
  ConfigClusterRegistryOptions,
} from './ClusterRegistry';
export { ClusterCredentialError } from './auth/ClusterCredentials';
export type { ConfiguredCluster } from './locators/clusterDetailsFromConfig';
export { ClusterLeases, holdsGlobalLease, newReplicaId } from './ClusterLeases';
export type { ClusterLeasesOptions } from './ClusterLeases';
export { DatabaseLeaseStore } from './LeaseStore';
export type { Lease, LeaseKind, LeaseStore } from './LeaseStore';
