import fs from 'node:fs';
import { isIPv6 } from 'node:net';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { SERVICE_ACCOUNT_TOKEN_PATH } from '../auth/kubeConfigFor';

export const IN_CLUSTER_NAME = 'in-cluster';

const CA_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/**
 * The cluster this backend runs in, through the pod's service account
 * (KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA), or
 * undefined outside a pod. The token is re-read as it rotates.
 */
export function inClusterDetails(options: {
  env?: NodeJS.ProcessEnv;
  /** Prefix of the mounted files (tests). */
  serviceAccountRoot?: string;
  name?: string;
}): ClusterDetails | undefined {
  const env = options.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const root = options.serviceAccountRoot ?? '';
  if (
    !host ||
    !port ||
    !fs.existsSync(`${root}${SERVICE_ACCOUNT_TOKEN_PATH}`)
  ) {
    return undefined;
  }
  const caFile = `${root}${CA_PATH}`;
  return {
    name: options.name ?? IN_CLUSTER_NAME,
    url: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    caFile: fs.existsSync(caFile) ? caFile : undefined,
    authMetadata: { [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'serviceAccount' },
  };
}
