export { ConfigClusterRegistry } from './ClusterRegistry';
export type {
  ClusterRegistry,
  ClusterHandle,
  DemoClusterFactory,
} from './ClusterRegistry';
export { simulatedDemoCluster } from './demoCluster';
