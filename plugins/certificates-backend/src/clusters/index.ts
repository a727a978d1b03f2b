export * from './ClusterRegistry';
export { ClusterCredentialError } from './auth/ClusterCredentials';
export type { ConfiguredCluster } from './locators/clusterDetailsFromConfig';
export * from './ClusterLeases';
export * from './LeaseStore';
