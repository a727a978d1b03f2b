import {
  approvable,
  CertificatePolicy,
  CertificateRequest,
  KeyAlgorithmChoice,
  Ownership,
  RequestedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';

import type { CertManagerCertificateRequest } from '../certmanager';

export type { CertManagerCertificateRequest };

/** Approved / Denied once either condition is True, else undefined (undecided). */
export function decisionOf(
  cr: CertManagerCertificateRequest,
): 'approved' | 'denied' | undefined {
  const conditions = cr.status?.conditions ?? [];
  if (conditions.some(c => c.type === 'Denied' && c.status === 'True'))
    return 'denied';
  if (conditions.some(c => c.type === 'Approved' && c.status === 'True'))
    return 'approved';
  return undefined;
}

/** The issuer as cert-manager names it: `ClusterIssuer/name` or `Issuer/ns.name`. */
export function issuerLabel(cr: CertManagerCertificateRequest): string {
  const ref = cr.spec.issuerRef;
  if (!ref) return 'unknown';
  const kind = ref.kind ?? 'Issuer';
  return kind === 'ClusterIssuer'
    ? `ClusterIssuer/${ref.name}`
    : `${kind}/${cr.metadata.namespace}.${ref.name}`;
}

/** A queue row for an in-cluster request, shaped like a portal request. */
export function describeCertificateRequest(options: {
  id: string;
  cluster: string;
  cr: CertManagerCertificateRequest;
  /** The owning entity and team, resolved like the inventory's. */
  ownership: Ownership;
  /** What the certificate would contain (readRequestedCertificate). */
  requested: RequestedCertificate;
  /** The in-cluster pseudo-policy: its name, approvers and CA issuers. */
  policy: Pick<CertificatePolicy, 'name' | 'caIssuers'> & {
    approvers: string[];
  };
}): CertificateRequest &
  Required<Pick<CertificateRequest, 'requested' | 'approvability'>> {
  const { cr, cluster, requested, policy } = options;
  const namespace = cr.metadata.namespace ?? 'default';
  const decided = decisionOf(cr);
  const created = cr.metadata.creationTimestamp ?? new Date(0).toISOString();
  const issuer = issuerLabel(cr);
  return {
    id: options.id,
    entityRef: options.ownership.entityRef ?? '',
    ...(options.ownership.ownerRef
      ? { ownerRef: options.ownership.ownerRef }
      : {}),
    commonName: requested.commonName,
    dnsNames: requested.dnsNames,
    ipAddresses: requested.ipAddresses,
    uris: requested.uris,
    keyAlgorithm: keyAlgorithmLabel(requested.key),
    validityDays: requested.durationHours
      ? Math.round(requested.durationHours / 24)
      : 0,
    clientAuth: requested.extendedKeyUsages.includes('client auth'),
    issuer,
    delivery: { kind: 'cert-manager', cluster, namespace },
    state: decided ?? 'pending',
    requester: cr.spec.username ?? 'unknown',
    // A Kubernetes username is no Backstage identity: never an owner.
    requesterIsOwner: false,
    createdAt: created,
    updatedAt: created,
    policyName: policy.name,
    pendingReason:
      'cert-manager CertificateRequest with neither an Approved nor a Denied condition',
    approvalsRequired: 1,
    approvers: policy.approvers,
    decisions: [],
    inCluster: {
      cluster,
      namespace,
      name: cr.metadata.name,
      username: cr.spec.username,
    },
    requested,
    approvability: approvable({ requested, issuer, policy }),
  };
}

/**
 * The key as a portal key choice where it is one; otherwise its own name
 * (e.g. RSA-1024, Ed25519), so nothing claims a key the CSR does not hold.
 */
function keyAlgorithmLabel(
  key: RequestedCertificate['key'],
): KeyAlgorithmChoice {
  if (!key) return 'unknown' as KeyAlgorithmChoice;
  if (
    key.algorithm === 'EC' &&
    (key.curve === 'P-256' || key.curve === 'P-384')
  ) {
    return `ECDSA-${key.curve.replace('-', '')}` as KeyAlgorithmChoice;
  }
  const size = key.size ?? key.curve;
  return `${key.algorithm}${size ? `-${size}` : ''}` as KeyAlgorithmChoice;
}
