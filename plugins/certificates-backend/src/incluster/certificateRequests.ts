import 'reflect-metadata';
import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension } from '@peculiar/x509';
import { CertificateRequest, KeyAlgorithmChoice, Ownership } from '@internal/plugin-certificates-common';

/** The fields of a cert-manager CertificateRequest this plugin reads. */
export interface CertManagerCertificateRequest {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
  };
  spec: {
    request?: string;
    issuerRef?: { name: string; kind?: string; group?: string };
    username?: string;
    duration?: string;
    isCA?: boolean;
  };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

const SAN_OID = '2.5.29.17';

/** Approved / Denied once either condition is True, else undefined (undecided). */
export function decisionOf(cr: CertManagerCertificateRequest): 'approved' | 'denied' | undefined {
  const conditions = cr.status?.conditions ?? [];
  if (conditions.some(c => c.type === 'Denied' && c.status === 'True')) return 'denied';
  if (conditions.some(c => c.type === 'Approved' && c.status === 'True')) return 'approved';
  return undefined;
}

/** The issuer as cert-manager names it: `ClusterIssuer/name` or `Issuer/ns.name`. */
export function issuerLabel(cr: CertManagerCertificateRequest): string {
  const ref = cr.spec.issuerRef;
  if (!ref) return 'unknown';
  const kind = ref.kind ?? 'Issuer';
  return kind === 'ClusterIssuer' ? `ClusterIssuer/${ref.name}` : `${kind}/${cr.metadata.namespace}.${ref.name}`;
}

/** A queue row for an in-cluster request, shaped like a portal request. */
export function describeCertificateRequest(options: {
  id: string;
  cluster: string;
  cr: CertManagerCertificateRequest;
  /** The owning entity and team, resolved like the inventory's. */
  ownership: Ownership;
  approvers: string[];
  policyName: string;
}): CertificateRequest {
  const { cr, cluster } = options;
  const namespace = cr.metadata.namespace ?? 'default';
  const names = namesOf(cr.spec.request);
  const decided = decisionOf(cr);
  const created = cr.metadata.creationTimestamp ?? new Date(0).toISOString();
  return {
    id: options.id,
    entityRef: options.ownership.entityRef ?? '',
    ...(options.ownership.ownerRef ? { ownerRef: options.ownership.ownerRef } : {}),
    commonName: names.commonName,
    dnsNames: names.dnsNames,
    keyAlgorithm: 'ECDSA-P256' as KeyAlgorithmChoice,
    validityDays: 0,
    issuer: issuerLabel(cr),
    delivery: { kind: 'cert-manager', cluster, namespace },
    state: decided ?? 'pending',
    requester: cr.spec.username ?? 'unknown',
    createdAt: created,
    updatedAt: created,
    policyName: options.policyName,
    pendingReason: 'cert-manager CertificateRequest with neither an Approved nor a Denied condition',
    approvalsRequired: 1,
    approvers: options.approvers,
    decisions: [],
    inCluster: { cluster, namespace, name: cr.metadata.name, username: cr.spec.username },
  };
}

function namesOf(request: string | undefined): { commonName?: string; dnsNames: string[] } {
  if (!request) return { dnsNames: [] };
  try {
    const pem = Buffer.from(request, 'base64').toString('utf8');
    const csr = new Pkcs10CertificateRequest(pem);
    const cn = csr.subjectName.getField('CN')[0];
    const san = csr.getExtension(SAN_OID) as SubjectAlternativeNameExtension | null;
    const dnsNames = san ? san.names.items.filter(n => n.type === 'dns').map(n => n.value) : [];
    return { commonName: cn, dnsNames };
  } catch {
    // An unreadable CSR still needs a decision; the approver sees no names.
    return { dnsNames: [] };
  }
}
