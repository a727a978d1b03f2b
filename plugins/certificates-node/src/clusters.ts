import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';

/** How to reach a cluster: a kubeconfig whose current context is the cluster. */
export interface CertificatesKubeConfigCluster {
  name: string;
  kubeConfig: KubeConfig;
  /** True for an in-process simulated cluster (demo, tests). */
  simulated?: boolean;
}

/** How to reach a cluster: its API server and a service-account token. */
export interface CertificatesUrlCluster {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  simulated?: boolean;
  /**
   * How to authenticate, with the Kubernetes plugin's names: serviceAccount
   * (default), aws, google, googleServiceAccount, azure, localKubectlProxy.
   * oidc and other per-user providers cannot be used by background work.
   */
  authProvider?: string;
  /** Provider settings, with the Kubernetes plugin's keys (e.g. `kubernetes.io/aws-assume-role`). */
  authMetadata?: Record<string, string>;
}

/** One cluster a source supplies. Names must be unique across all sources. */
export type CertificatesClusterDetails =
  | CertificatesKubeConfigCluster
  | CertificatesUrlCluster;

/**
 * Supplies clusters for discovery and delivery, like the Kubernetes plugin's
 * cluster supplier. Sources are asked once at startup, after the built-in
 * source (`certificates.clusters`, else kubeconfig contexts in development),
 * in the order they were added.
 */
export interface CertificatesClusterSource {
  getClusters(context: {
    /** Names supplied by the sources asked before this one. */
    existingClusterNames: string[];
  }): Promise<CertificatesClusterDetails[]>;
  /**
   * Roots that certificates in this source's clusters chain to and that
   * discovery should treat as approved. Installing the module is what grants
   * this; nothing read from a cluster does.
   */
  getApprovedRoots?(): Promise<string[]>;
  /** Called on shutdown, e.g. to stop a simulated cluster. */
  stop?(): Promise<void>;
}

export interface CertificatesClusterSourceExtensionPoint {
  addClusterSource(source: CertificatesClusterSource): void;
}

/** Lets modules add clusters: `certificates.cluster-source`. */
export const certificatesClusterSourceExtensionPoint =
  createExtensionPoint<CertificatesClusterSourceExtensionPoint>({
    id: 'certificates.cluster-source',
  });
