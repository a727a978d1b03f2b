export interface Config {
  certificates?: {
    /** The simulated demo cluster, used when no cluster or kubeconfig is found. */
    demoCluster?: {
      /** Default: true outside production. Set false to never start it. */
      enabled?: boolean;
    };
  };
}
