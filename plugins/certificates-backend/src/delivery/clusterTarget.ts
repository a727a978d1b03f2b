import { ConflictError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { IssuedCertificate } from '@kubecerts/backstage-plugin-certificates-node';
import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import type { ClusterLookup, DeliveryTargetCheck } from './DeliveryTargetCheck';
import { KUBERNETES_ID_LABEL, LINEAGE_LABEL, REQUEST_ID_LABEL } from './labels';

/** The checks just before writing wait this long for the cluster. */
const DELIVERY_CHECK_TIMEOUT_MS = 30_000;

/** A request and its renewals share a lineage (the label only describes it). */
function lineageOf(request: CertificateRequest): string {
  return request.renewalOf ?? request.id;
}

/** The labels of what the portal writes for a request; they describe, never prove. */
export function labelsFor(request: CertificateRequest): Record<string, string> {
  return {
    [KUBERNETES_ID_LABEL]: parseEntityRef(request.entityRef).name,
    [REQUEST_ID_LABEL]: request.id,
    [LINEAGE_LABEL]: lineageOf(request),
  };
}

export function describeChain(chainPem: string): IssuedCertificate {
  const leaf = new X509Certificate(chainPem);
  return {
    chainPem,
    serialNumber: leaf.serialNumber,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}

/** SHA-256 (hex) of a public key's SubjectPublicKeyInfo. */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * Where a request delivers into a cluster, and the check that the portal
 * may still write there, made right before anything is written.
 */
export class ClusterTarget {
  constructor(
    private readonly clusters: ClusterLookup,
    private readonly targets: DeliveryTargetCheck,
  ) {}

  kubeConfig(request: CertificateRequest) {
    const cluster =
      request.delivery.cluster && this.clusters.get(request.delivery.cluster);
    if (!cluster) {
      throw new Error(`Cluster ${request.delivery.cluster} is not configured`);
    }
    return cluster.kubeConfig;
  }

  of(request: CertificateRequest): { namespace: string; name: string } {
    const { namespace, secretName } = request.delivery;
    if (!namespace || !secretName) {
      throw new Error('The request names no namespace or Secret');
    }
    return { namespace, name: secretName };
  }

  /** Refuses with the reason (409) unless the portal may write to the request's target. */
  async assertOurs(request: CertificateRequest): Promise<void> {
    const verdict = await this.targets.verdict(request, {
      timeoutMs: DELIVERY_CHECK_TIMEOUT_MS,
    });
    if (!verdict.ok) {
      throw new ConflictError(verdict.reason);
    }
  }
}
