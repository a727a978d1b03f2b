import { Config } from '@backstage/config';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';

/**
 * One cluster entry, in the shape shared by `certificates.clusters` and the
 * Kubernetes plugin's `kubernetes.clusterLocatorMethods[].clusters`.
 */
export interface ConfiguredCluster {
  name: string;
  url?: string;
  title?: string;
  authProvider?: string;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  /** AWS: role to assume before signing, and its external id. */
  assumeRole?: string;
  externalId?: string;
  oidcTokenProvider?: string;
  /** Provider settings with the Kubernetes plugin's keys; wins over the fields above. */
  authMetadata?: Record<string, string>;
  /** certificates.clusters only: use this context of the local kubeconfig. */
  kubeconfigContext?: string;
}

function onlyStrings(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

/** Reads one entry of a clusters list (either plugin's). */
export function readConfiguredCluster(c: Config): ConfiguredCluster {
  // Raw: its keys contain dots (`kubernetes.io/...`), which config paths split on.
  const authMetadata = c.getOptional<Record<string, unknown>>('authMetadata');
  return {
    name: c.getString('name'),
    url: c.getOptionalString('url'),
    title: c.getOptionalString('title'),
    authProvider: c.getOptionalString('authProvider'),
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
    assumeRole: c.getOptionalString('assumeRole'),
    externalId: c.getOptionalString('externalId'),
    oidcTokenProvider: c.getOptionalString('oidcTokenProvider'),
    authMetadata: authMetadata ? onlyStrings(authMetadata) : undefined,
    kubeconfigContext: c.getOptionalString('kubeconfigContext'),
  };
}

/**
 * The cluster as the Kubernetes plugin's strategies expect it: provider
 * settings under their annotation keys in `authMetadata`.
 */
export function toClusterDetails(
  c: ConfiguredCluster,
  defaultProvider: string | undefined,
): ClusterDetails {
  const provider =
    c.authMetadata?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    c.authProvider ??
    defaultProvider;
  if (!provider) {
    throw new Error(
      `cluster ${c.name} has no auth provider; set authProvider or authMetadata.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}`,
    );
  }
  if (!c.url) throw new Error(`cluster ${c.name} has no url`);
  const optional: Record<string, string | undefined> = {
    serviceAccountToken: c.serviceAccountToken,
    [ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE]: c.assumeRole,
    [ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID]: c.externalId,
    [ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER]: c.oidcTokenProvider,
  };
  return {
    name: c.name,
    ...(c.title && { title: c.title }),
    url: c.url,
    caData: c.caData,
    caFile: c.caFile,
    skipTLSVerify: c.skipTLSVerify ?? false,
    authMetadata: {
      ...onlyStrings(optional),
      ...onlyStrings(c.authMetadata ?? {}),
      [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: provider,
    },
  };
}
