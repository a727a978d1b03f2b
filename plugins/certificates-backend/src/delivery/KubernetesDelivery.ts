import { ConflictError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@internal/plugin-certificates-common';
import { IssuedCertificate } from '@internal/plugin-certificates-node';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import type { CertManagerIssuerConfig } from '../issuing/IssuerRegistry';
import { csrForKey, generateKeyAndCsr } from './keyAndCsr';

export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
export const REQUEST_ID_LABEL = 'certificates.backstage.io/request-id';
export const LINEAGE_LABEL = 'certificates.backstage.io/lineage';

/** On a pending-key Secret: the request whose key it holds. */
export const PENDING_KEY_LABEL = 'certificates.backstage.io/pending-key-for-request';
/** On a pending-key Secret: the target Secret the key is meant for. */
export const PENDING_KEY_FOR_ANNOTATION = 'certificates.backstage.io/target-secret';
const PENDING_KEY_FIELD = 'tls.key';

/** Where a request's key waits until its Secret is written. */
export function pendingKeySecretName(request: Pick<CertificateRequest, 'id'>): string {
  return `certificates-pending-key-${request.id}`.toLowerCase();
}

const CERT_MANAGER = { group: 'cert-manager.io', version: 'v1', plural: 'certificates' };

/** The cluster lookup delivery needs (the ClusterRegistry satisfies it). */
export interface ClusterLookup {
  get(name: string): { name: string; kubeConfig: KubeConfig } | undefined;
}

export type CertManagerStatus =
  | { state: 'issued'; certificate: IssuedCertificate }
  | { state: 'failed'; reason: string }
  | { state: 'pending' };

function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

async function orUndefinedOn404<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusCode(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/** A request and its renewals share a lineage: they may update each other's objects. */
function lineageOf(request: CertificateRequest): string {
  return request.renewalOf ?? request.id;
}

function labelsFor(request: CertificateRequest): Record<string, string> {
  return {
    [KUBERNETES_ID_LABEL]: parseEntityRef(request.entityRef).name,
    [REQUEST_ID_LABEL]: request.id,
    [LINEAGE_LABEL]: lineageOf(request),
  };
}

function sameLineage(labels: Record<string, string> | undefined, request: CertificateRequest) {
  const lineage = labels?.[LINEAGE_LABEL];
  return !!lineage && [lineageOf(request), request.id].includes(lineage);
}

function describeChain(chainPem: string): IssuedCertificate {
  const leaf = new X509Certificate(chainPem);
  return {
    chainPem,
    serialNumber: leaf.serialNumber,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}

/**
 * Delivery into clusters: `kubernetes.io/tls` Secrets with a key generated in
 * memory, and cert-manager Certificates. Objects of another lineage are never
 * overwritten.
 */
export class KubernetesDelivery {
  static create(options: { clusters: ClusterLookup }): KubernetesDelivery {
    return new KubernetesDelivery(options.clusters);
  }

  private constructor(private readonly clusters: ClusterLookup) {}

  private kubeConfig(request: CertificateRequest): KubeConfig {
    const cluster = request.delivery.cluster && this.clusters.get(request.delivery.cluster);
    if (!cluster) {
      throw new Error(`Cluster ${request.delivery.cluster} is not configured`);
    }
    return cluster.kubeConfig;
  }

  private target(request: CertificateRequest) {
    const { namespace, secretName } = request.delivery;
    if (!namespace || !secretName) {
      throw new Error('The request names no namespace or Secret');
    }
    return { namespace, name: secretName };
  }

  /**
   * Delivers a `kubernetes.io/tls` Secret with a key the backend generates,
   * so that a restart at any step loses nothing and the database never holds
   * the key:
   * 1. the key is first written to the cluster, in a pending-key Secret next
   *    to the target, labelled with the request id (cert-manager keeps its
   *    "next private key" the same way); a resumed attempt reads it back;
   * 2. `sign` certifies it; the request id is the CA's idempotency key, so a
   *    repeated call with the same key returns the same certificate;
   * 3. the target Secret is written (created, or updated within the lineage);
   * 4. the pending-key Secret is deleted.
   * A target Secret of another lineage is a conflict and is never touched.
   */
  async deliverSecret(
    request: CertificateRequest,
    sign: (csrPem: string) => Promise<IssuedCertificate>,
  ): Promise<IssuedCertificate> {
    const api = this.kubeConfig(request).makeApiClient(CoreV1Api);
    const { namespace, name } = this.target(request);
    const existing = await orUndefinedOn404(() => api.readNamespacedSecret({ name, namespace }));
    if (existing && !sameLineage(existing.metadata?.labels, request)) {
      throw new ConflictError(
        `Secret ${namespace}/${name} already exists and was not issued for this certificate; it is left untouched`,
      );
    }
    const delivered = existing?.data?.['tls.crt'];
    if (existing?.metadata?.labels?.[REQUEST_ID_LABEL] === request.id && delivered) {
      // Written before a restart interrupted the bookkeeping.
      await this.discardPendingKey(request).catch(() => undefined);
      return describeChain(Buffer.from(delivered, 'base64').toString('utf8'));
    }

    let privateKeyPem: string | undefined = await this.pendingKey(api, request, namespace);
    try {
      const csrPem = await csrForKey({
        privateKeyPem,
        keyAlgorithm: request.keyAlgorithm,
        commonName: request.commonName,
        dnsNames: request.dnsNames,
      });
      const issued = await sign(csrPem);
      const body: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name,
          namespace,
          labels: labelsFor(request),
          ...(existing ? { resourceVersion: existing.metadata?.resourceVersion } : {}),
        },
        data: {
          'tls.crt': Buffer.from(issued.chainPem).toString('base64'),
          'tls.key': Buffer.from(privateKeyPem).toString('base64'),
        },
      };
      try {
        if (existing) {
          await api.patchNamespacedSecret(
            { name, namespace, body },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        } else {
          await api.createNamespacedSecret({ namespace, body });
        }
      } catch (error) {
        if (statusCode(error) === 409) {
          throw new ConflictError(`Secret ${namespace}/${name} changed while it was being written`);
        }
        if (statusCode(error) === 404) {
          throw new Error(`Namespace ${namespace} does not exist in cluster ${request.delivery.cluster}`);
        }
        throw error;
      }
      // The target holds the key now; a leftover pending key is harmless
      // (a resumed attempt finds the target delivered and removes it).
      await this.discardPendingKey(request).catch(() => undefined);
      return issued;
    } finally {
      // The key exists only in this scope and in the cluster: drop every reference to it.
      privateKeyPem = undefined;
    }
  }

  /**
   * The request's pending key: read back from its pending-key Secret, or
   * generated and written there first. Concurrent attempts agree on one key
   * (the second create gets 409 and reads the first one's).
   */
  private async pendingKey(api: CoreV1Api, request: CertificateRequest, namespace: string): Promise<string> {
    const name = pendingKeySecretName(request);
    const read = async (): Promise<string | undefined> => {
      const secret = await orUndefinedOn404(() => api.readNamespacedSecret({ name, namespace }));
      if (!secret) return undefined;
      const key = secret.data?.[PENDING_KEY_FIELD];
      if (secret.metadata?.labels?.[PENDING_KEY_LABEL] !== request.id || !key) {
        throw new ConflictError(
          `Secret ${namespace}/${name} exists but does not hold the pending key of request ${request.id}; it is left untouched`,
        );
      }
      return Buffer.from(key, 'base64').toString('utf8');
    };
    const stored = await read();
    if (stored) {
      return stored;
    }
    const { privateKeyPem } = await generateKeyAndCsr({
      keyAlgorithm: request.keyAlgorithm,
      commonName: request.commonName,
      dnsNames: request.dnsNames,
    });
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      // Opaque, so that discovery (which reads kubernetes.io/tls) never lists it.
      type: 'Opaque',
      metadata: {
        name,
        namespace,
        labels: {
          [PENDING_KEY_LABEL]: request.id,
          [KUBERNETES_ID_LABEL]: parseEntityRef(request.entityRef).name,
        },
        annotations: {
          [PENDING_KEY_FOR_ANNOTATION]: this.target(request).name,
        },
      },
      data: { [PENDING_KEY_FIELD]: Buffer.from(privateKeyPem).toString('base64') },
    };
    try {
      await api.createNamespacedSecret({ namespace, body });
      return privateKeyPem;
    } catch (error) {
      if (statusCode(error) === 409) {
        const winner = await read();
        if (winner) return winner;
      }
      if (statusCode(error) === 404) {
        throw new Error(`Namespace ${namespace} does not exist in cluster ${request.delivery.cluster}`);
      }
      throw error;
    }
  }

  /**
   * Deletes a request's pending-key Secret, if any (once the key is in the
   * target Secret, or when the request ended without a certificate).
   */
  async discardPendingKey(request: CertificateRequest): Promise<void> {
    if (request.delivery.kind !== 'secret' || !request.delivery.namespace) {
      return;
    }
    const api = this.kubeConfig(request).makeApiClient(CoreV1Api);
    const name = pendingKeySecretName(request);
    const namespace = request.delivery.namespace;
    const secret = await orUndefinedOn404(() => api.readNamespacedSecret({ name, namespace }));
    if (secret?.metadata?.labels?.[PENDING_KEY_LABEL] !== request.id) {
      return;
    }
    await orUndefinedOn404(() =>
      api.deleteNamespacedSecret({
        name,
        namespace,
        body: { preconditions: { uid: secret.metadata?.uid } },
      }),
    );
  }

  /** Creates (or, within the lineage, updates) the cert-manager Certificate. */
  async applyCertManagerCertificate(
    request: CertificateRequest,
    issuer: CertManagerIssuerConfig,
  ): Promise<void> {
    const api = this.kubeConfig(request).makeApiClient(CustomObjectsApi);
    const { namespace, name } = this.target(request);
    const labels = labelsFor(request);
    const existing = (await orUndefinedOn404(() =>
      api.getNamespacedCustomObject({ ...CERT_MANAGER, namespace, name }),
    )) as { metadata?: { labels?: Record<string, string> } } | undefined;
    if (existing && !sameLineage(existing.metadata?.labels, request)) {
      throw new ConflictError(
        `Certificate ${namespace}/${name} already exists and belongs to something else; it is left untouched`,
      );
    }
    const spec = {
      secretName: name,
      commonName: request.commonName,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses?.length ? request.ipAddresses : undefined,
      uris: request.uris?.length ? request.uris : undefined,
      duration: `${request.validityDays * 24}h`,
      privateKey: privateKeySpec(request.keyAlgorithm),
      usages: ['digital signature', 'key encipherment', 'server auth'].concat(
        request.clientAuth ? ['client auth'] : [],
      ),
      issuerRef: { name: issuer.name, kind: issuer.kind, group: 'cert-manager.io' },
      secretTemplate: { labels },
    };
    const body = {
      apiVersion: `${CERT_MANAGER.group}/${CERT_MANAGER.version}`,
      kind: 'Certificate',
      metadata: { name, namespace, labels },
      spec,
    };
    if (existing) {
      await api.patchNamespacedCustomObject(
        { ...CERT_MANAGER, namespace, name, body: { metadata: { labels }, spec } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } else {
      await api.createNamespacedCustomObject({ ...CERT_MANAGER, namespace, body });
    }
  }

  /** cert-manager's verdict on the request's Certificate. */
  async certManagerStatus(request: CertificateRequest): Promise<CertManagerStatus> {
    const kubeConfig = this.kubeConfig(request);
    const { namespace, name } = this.target(request);
    const certificate = (await orUndefinedOn404(() =>
      kubeConfig
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({ ...CERT_MANAGER, namespace, name }),
    )) as
      | { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } }
      | undefined;
    if (!certificate) {
      return { state: 'failed', reason: `Certificate ${namespace}/${name} was deleted` };
    }
    const conditions = certificate.status?.conditions ?? [];
    const ready = conditions.find(c => c.type === 'Ready');
    const issuing = conditions.find(c => c.type === 'Issuing');
    if (ready?.status === 'True') {
      const secret = await orUndefinedOn404(() =>
        kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace }),
      );
      const crt = secret?.data?.['tls.crt'];
      if (!crt) {
        return { state: 'pending' };
      }
      return { state: 'issued', certificate: describeChain(Buffer.from(crt, 'base64').toString('utf8')) };
    }
    const failed = [issuing, ready].find(c => c?.status === 'False' && c.reason === 'Failed');
    if (failed) {
      return { state: 'failed', reason: `cert-manager: ${failed.message ?? 'issuing failed'}` };
    }
    return { state: 'pending' };
  }
}

function privateKeySpec(choice: CertificateRequest['keyAlgorithm']) {
  if (choice.startsWith('ECDSA')) {
    return { algorithm: 'ECDSA', size: choice === 'ECDSA-P384' ? 384 : 256, rotationPolicy: 'Always' };
  }
  return { algorithm: 'RSA', size: Number(choice.slice(4)), rotationPolicy: 'Always' };
}
