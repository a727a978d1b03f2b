import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1ConfigMap,
} from '@kubernetes/client-node';
import { BUNDLE_HASH_ANNOTATION } from '@kubecerts/backstage-plugin-certificates-common';
import { orUndefinedOn404 } from '../certmanager/apiErrors';
import { bundleHash } from './rootCertificate';

/** Descriptive only: ownership is proven by the uid the portal recorded. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubecerts-certificates';
export { BUNDLE_HASH_ANNOTATION };

export const TRUST_MANAGER_GROUP = 'trust.cert-manager.io';
const BUNDLES = {
  group: TRUST_MANAGER_GROUP,
  version: 'v1alpha1',
  plural: 'bundles',
};

/** What is in the cluster at a target, reduced to what drift needs. */
export interface FoundObject {
  uid: string;
  resourceVersion: string;
  hash: string;
}

/** One object the bundle is kept in, read and written through the real client. */
export interface DistributionTarget {
  cluster: string;
  namespace: string;
  kind: 'ConfigMap' | 'Bundle';
  name: string;
  /** Hash of what the object holds once written with `pem`. */
  desiredHash(pem: string): string;
  read(): Promise<FoundObject | undefined>;
  /** Creates the object; answers its uid. */
  create(pem: string): Promise<string>;
  /** Replaces the object the portal created, at the resourceVersion it read. */
  replace(found: FoundObject, pem: string): Promise<string>;
}

type Meta = { metadata?: { uid?: string; resourceVersion?: string } };

/** What drift needs of an object read back, hashed as `hash` says. */
function foundOf<T extends Meta>(
  object: T | undefined,
  hash: (object: T) => string,
): FoundObject | undefined {
  return (
    object && {
      uid: object.metadata?.uid ?? '',
      resourceVersion: object.metadata?.resourceVersion ?? '',
      hash: hash(object),
    }
  );
}

const metadataOf = (name: string, pem: string, namespace?: string) => ({
  name,
  ...(namespace && { namespace }),
  labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  annotations: { [BUNDLE_HASH_ANNOTATION]: bundleHash(pem) },
});

const configMapData = (pem: string) => ({ 'ca.crt': pem, 'bundle.pem': pem });

function configMapHash(data: Record<string, string> | undefined): string {
  return bundleHash(
    JSON.stringify([data?.['ca.crt'] ?? null, data?.['bundle.pem'] ?? null]),
  );
}

/** The ConfigMap with keys `ca.crt` and `bundle.pem` in one namespace. */
export function configMapTarget(options: {
  cluster: string;
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
}): DistributionTarget {
  const { namespace, name } = options;
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const body = (pem: string, resourceVersion?: string): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...metadataOf(name, pem, namespace),
      ...(resourceVersion && { resourceVersion }),
    },
    data: configMapData(pem),
  });
  return {
    cluster: options.cluster,
    namespace,
    kind: 'ConfigMap',
    name,
    desiredHash: pem => configMapHash(configMapData(pem)),
    async read() {
      const found = await orUndefinedOn404(() =>
        api.readNamespacedConfigMap({ name, namespace }),
      );
      return foundOf(found, f => configMapHash(f.data));
    },
    async create(pem) {
      const created = await api.createNamespacedConfigMap({
        namespace,
        body: body(pem),
      });
      return created.metadata?.uid ?? '';
    },
    async replace(found, pem) {
      const replaced = await api.replaceNamespacedConfigMap({
        name,
        namespace,
        body: body(pem, found.resourceVersion),
      });
      return replaced.metadata?.uid ?? '';
    },
  };
}

/**
 * trust-manager's cluster-scoped `Bundle` with the roots inline. Its name
 * differs from the portal's ConfigMaps (trust-manager writes ConfigMaps
 * named after the Bundle), so the two never fight over one object.
 */
export function trustManagerBundleTarget(options: {
  cluster: string;
  kubeConfig: KubeConfig;
  name: string;
  namespaces: string[];
}): DistributionTarget {
  const { name, namespaces } = options;
  const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const spec = (pem: string) => ({
    sources: [{ inLine: pem }],
    target: {
      configMap: { key: 'ca.crt' },
      namespaceSelector: {
        matchExpressions: [
          {
            key: 'kubernetes.io/metadata.name',
            operator: 'In',
            values: [...namespaces].sort(),
          },
        ],
      },
    },
  });
  const body = (pem: string, resourceVersion?: string) => ({
    apiVersion: `${BUNDLES.group}/${BUNDLES.version}`,
    kind: 'Bundle',
    metadata: {
      ...metadataOf(name, pem),
      ...(resourceVersion && { resourceVersion }),
    },
    spec: spec(pem),
  });
  const hashOf = (value: unknown) => bundleHash(JSON.stringify(value ?? null));
  return {
    cluster: options.cluster,
    namespace: '',
    kind: 'Bundle',
    name,
    desiredHash: pem => hashOf(spec(pem)),
    async read() {
      const found = (await orUndefinedOn404(() =>
        api.getClusterCustomObject({ ...BUNDLES, name }),
      )) as any;
      return foundOf(found, f => hashOf(f.spec));
    },
    async create(pem) {
      const created = (await api.createClusterCustomObject({
        ...BUNDLES,
        body: body(pem),
      })) as any;
      return created.metadata?.uid ?? '';
    },
    async replace(found, pem) {
      const replaced = (await api.replaceClusterCustomObject({
        ...BUNDLES,
        name,
        body: body(pem, found.resourceVersion),
      })) as any;
      return replaced.metadata?.uid ?? '';
    },
  };
}

/** Whether trust-manager's API group is served by the cluster. */
export async function hasTrustManager(
  kubeConfig: KubeConfig,
): Promise<boolean> {
  const groups = await kubeConfig.makeApiClient(ApisApi).getAPIVersions();
  return (groups.groups ?? []).some(g => g.name === TRUST_MANAGER_GROUP);
}
