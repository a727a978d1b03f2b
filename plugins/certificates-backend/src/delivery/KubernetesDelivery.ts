import { ConflictError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { IssuedCertificate } from '@kubecerts/backstage-plugin-certificates-node';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import { X509Certificate } from 'node:crypto';
import type { CertManagerIssuerConfig } from '../issuing/IssuerRegistry';
import {
  ClusterLookup,
  DeliveryTargetCheck,
  RequestLookup,
} from './DeliveryTargetCheck';
import { csrForKey } from './keyAndCsr';
import { leafFingerprintOf } from '../pki';
import { orUndefinedOn404, statusCode } from './kubeErrors';
import {
  CERT_MANAGER_CERTIFICATES as CERT_MANAGER,
  KUBERNETES_ID_LABEL,
  LINEAGE_LABEL,
  REQUEST_ID_LABEL,
} from './labels';
import { deletePendingKey, readOrCreatePendingKey } from './pendingKeys';

export {
  KUBERNETES_ID_LABEL,
  LINEAGE_LABEL,
  PENDING_KEY_FOR_ANNOTATION,
  PENDING_KEY_LABEL,
  REQUEST_ID_LABEL,
} from './labels';
export { pendingKeySecretName } from './pendingKeys';
export type { ClusterLookup, RequestLookup } from './DeliveryTargetCheck';

/** The checks just before writing wait this long for the cluster. */
const DELIVERY_CHECK_TIMEOUT_MS = 30_000;

export type CertManagerStatus =
  | { state: 'issued'; certificate: IssuedCertificate }
  | { state: 'failed'; reason: string }
  | { state: 'pending' };

/** A request and its renewals share a lineage (the label only describes it). */
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

function describeChain(chainPem: string): IssuedCertificate {
  const leaf = new X509Certificate(chainPem);
  return {
    chainPem,
    serialNumber: leaf.serialNumber,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}

export interface KubernetesDeliveryOptions {
  clusters: ClusterLookup;
  /** The portal's requests, which prove what the portal wrote. */
  requests: RequestLookup;
  /** How long the check of a target may take at submission; default 3 s. */
  validationTimeoutMs?: number;
}

/**
 * Delivery into clusters: `kubernetes.io/tls` Secrets with a key generated in
 * memory, and cert-manager Certificates. The portal writes to a Secret (or
 * points cert-manager at it) only when it proves it created that Secret for
 * the same entity, and never takes over another's cert-manager Certificate
 * (`deliveryTargetVerdict`), checked right before anything is written.
 */
export class KubernetesDelivery {
  /** Judges a delivery target; also at submission, for the form's verdict. */
  readonly targets: DeliveryTargetCheck;
  private readonly clusters: ClusterLookup;

  static create(options: KubernetesDeliveryOptions): KubernetesDelivery {
    return new KubernetesDelivery(options);
  }

  private constructor(options: KubernetesDeliveryOptions) {
    this.clusters = options.clusters;
    this.targets = DeliveryTargetCheck.create(options);
  }

  /** Refuses with the reason unless the portal may write to the request's target. */
  private async assertTargetIsOurs(request: CertificateRequest): Promise<void> {
    const verdict = await this.targets.verdict(request, { timeoutMs: DELIVERY_CHECK_TIMEOUT_MS });
    if (!verdict.ok) {
      throw new ConflictError(verdict.reason);
    }
  }

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
   * 3. the target Secret is written (created, or updated when the portal
   *    wrote it for the same entity);
   * 4. the pending-key Secret is deleted.
   * A target Secret the portal cannot prove it wrote is a conflict, found
   * before anything is written, and is never touched. An attempt that finds
   * the Secret it wrote itself (this request's label and the certificate
   * whose fingerprint, `signedFingerprint`, was recorded when the CA signed
   * it) counts it as delivered.
   */
  async deliverSecret(
    request: CertificateRequest,
    sign: (csrPem: string) => Promise<IssuedCertificate>,
    options: { signedFingerprint?: string } = {},
  ): Promise<IssuedCertificate> {
    const api = this.kubeConfig(request).makeApiClient(CoreV1Api);
    const { namespace, name } = this.target(request);
    const existing = await orUndefinedOn404(() => api.readNamespacedSecret({ name, namespace }));
    const delivered = this.deliveredBefore(existing, request, options.signedFingerprint);
    if (delivered) {
      // Written before a restart interrupted the bookkeeping.
      await this.discardPendingKey(request).catch(() => undefined);
      return delivered;
    }
    await this.assertTargetIsOurs(request);

    let privateKeyPem: string | undefined = await readOrCreatePendingKey(api, request, {
      namespace,
      name,
    });
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
   * The certificate in `existing` when it is the one the CA signed for this
   * request and the Secret bears this request's label.
   */
  private deliveredBefore(
    existing: V1Secret | undefined,
    request: CertificateRequest,
    signedFingerprint: string | undefined,
  ): IssuedCertificate | undefined {
    const crt = existing?.data?.['tls.crt'];
    if (!crt || !signedFingerprint || existing?.metadata?.labels?.[REQUEST_ID_LABEL] !== request.id) {
      return undefined;
    }
    const chainPem = Buffer.from(crt, 'base64').toString('utf8');
    try {
      return leafFingerprintOf(chainPem) === signedFingerprint ? describeChain(chainPem) : undefined;
    } catch {
      return undefined;
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
    await deletePendingKey(api, request, request.delivery.namespace);
  }

  /** Creates (or, for its own lineage, updates) the cert-manager Certificate. */
  async applyCertManagerCertificate(
    request: CertificateRequest,
    issuer: CertManagerIssuerConfig,
  ): Promise<void> {
    const api = this.kubeConfig(request).makeApiClient(CustomObjectsApi);
    const { namespace, name } = this.target(request);
    const labels = labelsFor(request);
    // Read before the check: the write below names this version, so it fails
    // if the Certificate changed (or appeared) after it was judged.
    const existing = (await orUndefinedOn404(() =>
      api.getNamespacedCustomObject({ ...CERT_MANAGER, namespace, name }),
    )) as { metadata?: { resourceVersion?: string } } | undefined;
    await this.assertTargetIsOurs(request);
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
    try {
      if (existing) {
        // The resourceVersion makes the update fail if the Certificate
        // changed since it was checked.
        const metadata = { labels, resourceVersion: existing.metadata?.resourceVersion };
        await api.patchNamespacedCustomObject(
          { ...CERT_MANAGER, namespace, name, body: { metadata, spec } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      } else {
        await api.createNamespacedCustomObject({ ...CERT_MANAGER, namespace, body });
      }
    } catch (error) {
      if (statusCode(error) === 409) {
        throw new ConflictError(`Certificate ${namespace}/${name} changed while it was being written`);
      }
      throw error;
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
