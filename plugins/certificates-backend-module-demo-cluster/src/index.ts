/**
 * The simulated demo cluster for the certificates backend (demo and tests only).
 *
 * @packageDocumentation
 */
export { certificatesModuleDemoCluster as default } from './module';
export { DemoClusterSource } from './DemoClusterSource';
export { DEMO_NAMESPACES, seedDemoCluster } from './demoCluster';
export type { DemoClusterSummary, SeedDemoClusterOptions } from './demoCluster';
