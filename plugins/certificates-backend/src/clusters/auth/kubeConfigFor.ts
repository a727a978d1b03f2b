import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { KubeConfig, User } from '@kubernetes/client-node';
import {
  authProviderOf,
  CLUSTER_AUTH_PROVIDER,
  ClusterCredentials,
} from './ClusterCredentials';

/** Where a pod's service account token is mounted. */
export const SERVICE_ACCOUNT_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigForOptions {
  credentials: ClusterCredentials;
  /**
   * Prefix of the mounted service-account files (tests); the token of a
   * serviceAccount cluster without a configured token is read from there.
   */
  serviceAccountRoot?: string;
}

function userFor(cluster: ClusterDetails, options: KubeConfigForOptions): User {
  const name = `${cluster.name}-user`;
  const provider = authProviderOf(cluster);
  if (provider === 'localKubectlProxy') return { name };
  if (provider === 'serviceAccount') {
    const token = cluster.authMetadata?.serviceAccountToken;
    if (token) return { name, token };
    // client-node re-reads the file every minute: projected tokens rotate.
    const tokenFile = `${
      options.serviceAccountRoot ?? ''
    }${SERVICE_ACCOUNT_TOKEN_PATH}`;
    return { name, authProvider: { name: 'tokenFile', config: { tokenFile } } };
  }
  return {
    name,
    authProvider: {
      name: CLUSTER_AUTH_PROVIDER,
      config: { cluster: cluster.name },
    },
  };
}

/** A kubeconfig whose current context is `cluster`, authenticated by its provider. */
export function kubeConfigFor(
  cluster: ClusterDetails,
  options: KubeConfigForOptions,
): KubeConfig {
  const kc = new KubeConfig();
  const user = userFor(cluster, options);
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
      },
    ],
    users: [user],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: user.name }],
    currentContext: cluster.name,
  });
  if (user.authProvider?.name === CLUSTER_AUTH_PROVIDER) {
    kc.addAuthenticator(options.credentials.authenticator(cluster));
  }
  return kc;
}
