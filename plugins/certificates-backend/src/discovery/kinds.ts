import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';

/** The kinds discovery lists and watches. */
export type WatchedKindName =
  | 'Secret'
  | 'Ingress'
  | 'Certificate'
  | 'CertificateRequest'
  | 'Issuer'
  | 'ClusterIssuer'
  | 'Gateway';

export interface WatchedKind {
  kind: WatchedKindName;
  /** API group of a CRD; undefined for built-in kinds. */
  group?: string;
  version: string;
  plural: string;
  /** Collection path across namespaces. */
  path: string;
  fieldSelector?: string;
}

const crd = (
  kind: WatchedKindName,
  group: string,
  plural: string,
): WatchedKind => ({
  kind,
  group,
  version: 'v1',
  plural,
  path: `/apis/${group}/v1/${plural}`,
});

export const SECRETS: WatchedKind = {
  kind: 'Secret',
  version: 'v1',
  plural: 'secrets',
  path: '/api/v1/secrets',
  fieldSelector: 'type=kubernetes.io/tls',
};

export const INGRESSES: WatchedKind = {
  kind: 'Ingress',
  version: 'v1',
  plural: 'ingresses',
  path: '/apis/networking.k8s.io/v1/ingresses',
};

export const CERT_MANAGER_GROUP = 'cert-manager.io';
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export const CERT_MANAGER_KINDS: WatchedKind[] = [
  crd('Certificate', CERT_MANAGER_GROUP, 'certificates'),
  crd('CertificateRequest', CERT_MANAGER_GROUP, 'certificaterequests'),
  crd('Issuer', CERT_MANAGER_GROUP, 'issuers'),
  crd('ClusterIssuer', CERT_MANAGER_GROUP, 'clusterissuers'),
];

export const GATEWAYS: WatchedKind = crd('Gateway', GATEWAY_GROUP, 'gateways');

/** A raw Kubernetes object as the API sends it. */
export interface RawObject {
  apiVersion?: string;
  kind?: string;
  type?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  spec?: any;
  status?: any;
}

export interface ListPage {
  items: RawObject[];
  resourceVersion: string;
  continueToken?: string;
}

/** Lists one page through the typed clients of @kubernetes/client-node. */
export function createPageLister(kc: KubeConfig, kind: WatchedKind) {
  if (kind.kind === 'Secret') {
    const api = kc.makeApiClient(CoreV1Api);
    return async (limit: number, cont?: string): Promise<ListPage> => {
      const list = await api.listSecretForAllNamespaces({
        fieldSelector: kind.fieldSelector,
        limit,
        _continue: cont,
      });
      return {
        items: list.items as RawObject[],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?._continue || undefined,
      };
    };
  }
  if (kind.kind === 'Ingress') {
    const api = kc.makeApiClient(NetworkingV1Api);
    return async (limit: number, cont?: string): Promise<ListPage> => {
      const list = await api.listIngressForAllNamespaces({
        limit,
        _continue: cont,
      });
      return {
        items: list.items as RawObject[],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?._continue || undefined,
      };
    };
  }
  const api = kc.makeApiClient(CustomObjectsApi);
  return async (limit: number, cont?: string): Promise<ListPage> => {
    const list: any = await api.listClusterCustomObject({
      group: kind.group!,
      version: kind.version,
      plural: kind.plural,
      limit,
      _continue: cont,
    });
    return {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continueToken: list.metadata?.continue || undefined,
    };
  };
}
