export { ConfigClusterRegistry } from './ClusterRegistry';
export type { ClusterRegistry, ClusterHandle } from './ClusterRegistry';
