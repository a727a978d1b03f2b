import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type {
  CertManagerCertificate,
  CertManagerCertificateRequest,
  CertManagerCondition,
  CertManagerIssuer,
  CertManagerObject,
  IssuerReference,
} from './types';
import { orUndefinedOn404 } from './apiErrors';

export { statusCode } from './apiErrors';

export const CERT_MANAGER_GROUP = 'cert-manager.io';
const VERSION = 'v1';
type Resource = { group: string; version: string; plural: string };
const resource = (plural: string): Resource => ({
  group: CERT_MANAGER_GROUP,
  version: VERSION,
  plural,
});
const CERTIFICATES = resource('certificates');
const REQUESTS = resource('certificaterequests');
const ISSUERS = resource('issuers');
const CLUSTER_ISSUERS = resource('clusterissuers');

/** cert-manager writes times without fractions of a second. */
export function conditionTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * JSON Patch of an object's status conditions: `condition` replaces the one
 * of its type (or is added), and the patch fails unless the object still has
 * the resourceVersion it was read at.
 */
function conditionPatch(
  current: CertManagerObject<unknown>,
  condition: CertManagerCondition,
  replaceSameType: boolean,
) {
  const test = {
    op: 'test',
    path: '/metadata/resourceVersion',
    value: current.metadata.resourceVersion,
  };
  if (!current.status) {
    return [
      test,
      { op: 'add', path: '/status', value: { conditions: [condition] } },
    ];
  }
  const conditions = current.status.conditions;
  if (!conditions) {
    return [
      test,
      { op: 'add', path: '/status/conditions', value: [condition] },
    ];
  }
  if (!replaceSameType) {
    return [
      test,
      { op: 'add', path: '/status/conditions/-', value: condition },
    ];
  }
  const others = conditions.filter(c => c.type !== condition.type);
  return [
    test,
    {
      op: 'replace',
      path: '/status/conditions',
      value: [...others, condition],
    },
  ];
}

/**
 * Every read and write of cert-manager resources in one cluster: its
 * Certificates, CertificateRequests and (Cluster)Issuers. Reads of one object
 * answer undefined when it does not exist; any other failure (403, 409, 422,
 * an unreachable cluster) is the client's ApiException, for the caller to
 * word in its own terms.
 */
export class CertManagerClient {
  static forCluster(kubeConfig: KubeConfig): CertManagerClient {
    return new CertManagerClient(kubeConfig.makeApiClient(CustomObjectsApi));
  }

  private constructor(private readonly api: CustomObjectsApi) {}

  /** The issuerRef a Certificate names an approved issuer with. */
  static issuerRef(issuer: { name: string; kind: string }): IssuerReference {
    return { name: issuer.name, kind: issuer.kind, group: CERT_MANAGER_GROUP };
  }

  /** The apiVersion of cert-manager objects this client writes. */
  static readonly apiVersion = `${CERT_MANAGER_GROUP}/${VERSION}`;

  /** One namespaced object; undefined when it does not exist. */
  private async getNamespaced<T>(
    of: Resource,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    return (await orUndefinedOn404(() =>
      this.api.getNamespacedCustomObject({ ...of, namespace, name }),
    )) as T | undefined;
  }

  /** Sets `condition` in the status subresource of `current` (see conditionPatch). */
  private async patchConditions<T extends CertManagerObject<unknown>>(
    of: Resource,
    current: T,
    condition: CertManagerCondition,
    replaceSameType: boolean,
  ): Promise<T> {
    return (await this.api.patchNamespacedCustomObjectStatus(
      {
        ...of,
        namespace: current.metadata.namespace!,
        name: current.metadata.name,
        body: conditionPatch(current, condition, replaceSameType),
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as T;
  }

  async getCertificate(
    namespace: string,
    name: string,
  ): Promise<CertManagerCertificate | undefined> {
    return this.getNamespaced(CERTIFICATES, namespace, name);
  }

  /** One page of a namespace's Certificates; none where cert-manager is not installed. */
  async listCertificates(
    namespace: string,
    page: { limit: number; continue?: string },
  ): Promise<{ items: CertManagerCertificate[]; continue?: string }> {
    const list = (await orUndefinedOn404(() =>
      this.api.listNamespacedCustomObject({
        ...CERTIFICATES,
        namespace,
        limit: page.limit,
        _continue: page.continue,
      }),
    )) as
      | { items?: CertManagerCertificate[]; metadata?: { continue?: string } }
      | undefined;
    return {
      items: list?.items ?? [],
      continue: list?.metadata?.continue || undefined,
    };
  }

  async createCertificate(
    namespace: string,
    body: CertManagerCertificate,
  ): Promise<CertManagerCertificate> {
    return (await this.api.createNamespacedCustomObject({
      ...CERTIFICATES,
      namespace,
      body,
    })) as CertManagerCertificate;
  }

  /**
   * Merge-patches a Certificate's labels and spec; `resourceVersion` makes
   * it fail (409) if the Certificate changed since it was read.
   */
  async updateCertificate(
    namespace: string,
    name: string,
    update: {
      labels: Record<string, string>;
      spec: CertManagerCertificate['spec'];
      resourceVersion?: string;
    },
  ): Promise<CertManagerCertificate> {
    const body = {
      metadata: {
        labels: update.labels,
        resourceVersion: update.resourceVersion,
      },
      spec: update.spec,
    };
    return (await this.api.patchNamespacedCustomObject(
      { ...CERTIFICATES, namespace, name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as CertManagerCertificate;
  }

  /**
   * Sets a condition on a Certificate through its status subresource,
   * replacing one of the same type (as `cmctl renew` sets Issuing); fails
   * (422) if the Certificate changed since `current` was read.
   */
  async setCertificateCondition(
    current: CertManagerCertificate,
    condition: CertManagerCondition,
  ): Promise<CertManagerCertificate> {
    return this.patchConditions(CERTIFICATES, current, condition, true);
  }

  /** Every CertificateRequest of the cluster. */
  async listCertificateRequests(): Promise<CertManagerCertificateRequest[]> {
    const list = (await this.api.listClusterCustomObject({ ...REQUESTS })) as {
      items?: CertManagerCertificateRequest[];
    };
    return list.items ?? [];
  }

  async getCertificateRequest(
    namespace: string,
    name: string,
  ): Promise<CertManagerCertificateRequest | undefined> {
    return this.getNamespaced(REQUESTS, namespace, name);
  }

  /**
   * Appends an Approved or Denied condition to a CertificateRequest (its
   * status subresource: the cluster checks `approve` on the signer); fails
   * (422) if it changed since `current` was read.
   */
  async addRequestCondition(
    current: CertManagerCertificateRequest,
    condition: CertManagerCondition,
  ): Promise<CertManagerCertificateRequest> {
    return this.patchConditions(REQUESTS, current, condition, false);
  }

  /** An Issuer (in `namespace`) or ClusterIssuer, as a Certificate in `namespace` would name it. */
  async getIssuer(
    ref: { name: string; kind?: string },
    namespace: string,
  ): Promise<CertManagerIssuer | undefined> {
    if (ref.kind !== 'ClusterIssuer') {
      return this.getNamespaced(ISSUERS, namespace, ref.name);
    }
    return (await orUndefinedOn404(() =>
      this.api.getClusterCustomObject({ ...CLUSTER_ISSUERS, name: ref.name }),
    )) as CertManagerIssuer | undefined;
  }
}
