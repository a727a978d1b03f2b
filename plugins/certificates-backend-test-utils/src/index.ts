/**
 * Test utilities of the certificates backend: an in-process Kubernetes API
 * simulator and certificate fixtures, for tests, benchmarks and the demo cluster.
 *
 * @packageDocumentation
 */
export * from './simulator';
