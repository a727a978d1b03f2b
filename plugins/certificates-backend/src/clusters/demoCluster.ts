import {
  KubernetesApiSimulator,
  seedDemoCluster,
  testPki,
} from '../kubernetes/simulator';
import { DemoClusterFactory } from './ClusterRegistry';

/**
 * The simulated demo cluster: an in-process Kubernetes API seeded with
 * certificates in every health state. Its fixture root is returned so the
 * demo's "trusted" certificates chain to an approved root.
 */
export function simulatedDemoCluster(): {
  factory: DemoClusterFactory;
  roots: () => Promise<string[]>;
} {
  let started = false;
  return {
    factory: async () => {
      const sim = await KubernetesApiSimulator.start({ clusterName: 'demo' });
      await seedDemoCluster(sim);
      started = true;
      return { kubeConfig: sim.kubeConfig(), stop: () => sim.stop() };
    },
    roots: async () => (started ? [(await testPki()).root.certPem] : []),
  };
}
