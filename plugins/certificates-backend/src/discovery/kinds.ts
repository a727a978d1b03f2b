import http from 'http';
import https from 'https';
import {
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

/**
 * GET of one list page as plain JSON through the KubeConfig's credentials.
 * The typed clients deserialise every Secret into model classes, which costs
 * more than the scan itself at 100k Secrets; discovery only needs raw objects.
 * The body is resolved as bytes (outside V8's heap) and parsed by the
 * caller when it needs the objects. Failures carry `code` and `body` like
 * the typed clients' ApiException.
 */
async function getBytes(kc: KubeConfig, path: string): Promise<Buffer> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('The kubeconfig names no current cluster');
  const url = new URL(`${server.replace(/\/$/, '')}${path}`);
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(options);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, res => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) {
          reject(
            Object.assign(new Error(`HTTP-Code: ${code}`), {
              code,
              body: body.toString('utf8'),
            }),
          );
          return;
        }
        resolve(body);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A page as fetched: `parse` builds its objects. Fetching and parsing are
 * apart so that a list can fetch the next page while it handles this one
 * and parse it only once this one's rows are written (see ResourceSync).
 */
export type FetchedPage = { parse(): ListPage };

/** Lists one page of a kind: Secrets as raw JSON, the rest through the typed clients. */
export function createPageLister(kc: KubeConfig, kind: WatchedKind) {
  if (kind.kind === 'Secret') {
    return async (limit: number, cont?: string): Promise<FetchedPage> => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (kind.fieldSelector) query.set('fieldSelector', kind.fieldSelector);
      if (cont) query.set('continue', cont);
      const body = await getBytes(kc, `${kind.path}?${query}`);
      return {
        parse: () => {
          const list = JSON.parse(body.toString('utf8'));
          return {
            items: (list.items ?? []) as RawObject[],
            resourceVersion: list.metadata?.resourceVersion ?? '',
            continueToken: list.metadata?.continue || undefined,
          };
        },
      };
    };
  }
  if (kind.kind === 'Ingress') {
    const api = kc.makeApiClient(NetworkingV1Api);
    return async (limit: number, cont?: string): Promise<FetchedPage> => {
      const list = await api.listIngressForAllNamespaces({
        limit,
        _continue: cont,
      });
      const page: ListPage = {
        items: list.items as RawObject[],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?._continue || undefined,
      };
      return { parse: () => page };
    };
  }
  const api = kc.makeApiClient(CustomObjectsApi);
  return async (limit: number, cont?: string): Promise<FetchedPage> => {
    const list: any = await api.listClusterCustomObject({
      group: kind.group!,
      version: kind.version,
      plural: kind.plural,
      limit,
      _continue: cont,
    });
    const page: ListPage = {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continueToken: list.metadata?.continue || undefined,
    };
    return { parse: () => page };
  };
}
