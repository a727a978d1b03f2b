/*
 * Request, approval and audit types shared by the frontend and the backend
 * (the inventory's are in ./types.ts, which re-exports these).
 */
import type { KeyAlgorithm } from './types';

/** An issuer the portal can issue from. */
export interface IssuerInfo {
  /** Configured id, e.g. builtin, letsencrypt, cm-prod. */
  id: string;
  type: 'builtin' | 'acme' | 'cert-manager' | string;
  displayName: string;
  /** CA certificate of the issuer, when known. */
  caCertificate?: {
    subject: string;
    fingerprintSha256: string;
    notBefore: string;
    notAfter: string;
    pem: string;
  };
  supportsRevocation: boolean;
  /** Delivery kinds this issuer can serve. */
  deliveries: DeliveryKind[];
  /** The only cluster this issuer serves (cert-manager issuers). */
  cluster?: string;
}

export type DeliveryKind = 'csr' | 'secret' | 'cert-manager';

export type KeyAlgorithmChoice =
  | 'ECDSA-P256'
  | 'ECDSA-P384'
  | 'RSA-2048'
  | 'RSA-3072'
  | 'RSA-4096';

export interface Delivery {
  kind: DeliveryKind;
  /** PKCS#10 PEM, for kind csr. */
  csr?: string;
  cluster?: string;
  namespace?: string;
  secretName?: string;
}

/** What a developer submits. */
export interface CertificateRequestInput {
  entityRef: string;
  commonName?: string;
  dnsNames: string[];
  ipAddresses?: string[];
  uris?: string[];
  keyAlgorithm: KeyAlgorithmChoice;
  validityDays: number;
  issuer: string;
  delivery: Delivery;
  clientAuth?: boolean;
  justification?: string;
}

export type RequestState =
  | 'pending'
  | 'approved'
  | 'issuing'
  | 'issued'
  | 'failed'
  | 'denied'
  | 'cancelled';

export const TERMINAL_REQUEST_STATES: readonly RequestState[] = [
  'issued',
  'failed',
  'denied',
  'cancelled',
];

export interface ApprovalDecision {
  actor: string;
  decision: 'approve' | 'deny';
  reason?: string;
  at: string;
}

export interface CertificateRequest
  extends Omit<CertificateRequestInput, 'delivery'> {
  id: string;
  delivery: Omit<Delivery, 'csr'> & { csrFingerprint?: string };
  state: RequestState;
  requester: string;
  ownerRef?: string;
  /**
   * Whether the requester belonged to the entity's owner when submitting.
   * Only owners' requests may be approved automatically; approvers see the
   * others as requested by a non-owner. Undefined for requests stored before
   * the portal recorded it (unknown, not a non-owner's).
   */
  requesterIsOwner?: boolean;
  createdAt: string;
  updatedAt: string;
  policyName: string;
  /** Why the policy did not auto-approve. */
  pendingReason?: string;
  approvalsRequired: number;
  approvers: string[];
  decisions: ApprovalDecision[];
  failureReason?: string;
  /** Inventory id of the issued certificate. */
  certificateId?: string;
  serialNumber?: string;
  notAfter?: string;
  /** Renewal of an earlier request (same names): the first request's id. */
  renewalOf?: string;
  /** When the issued certificate was revoked through the portal. */
  revokedAt?: string;
  /** RFC 5280 reason name of that revocation, e.g. keyCompromise. */
  revocationReason?: string;
  /** In-cluster cert-manager CertificateRequest, when the request came from a cluster. */
  inCluster?: {
    cluster: string;
    namespace: string;
    name: string;
    username?: string;
  };
  /**
   * What the certificate will contain, read from where the request came
   * from (an in-cluster request's spec and CSR). Portal requests leave it
   * out: their fields above say it (see `requestedCertificateOf`).
   */
  requested?: RequestedCertificate;
  /** On queue rows: whether anyone may approve it at all (denying is always possible). */
  approvability?: Approvability;
}

/** One extension a CSR asks for, as read from it. */
export interface RequestedExtension {
  oid: string;
  /** Its name (basicConstraints, keyUsage, nameConstraints, …), else the OID. */
  name: string;
  critical: boolean;
  /** What it says, e.g. "CA:TRUE, path length 0". */
  value: string;
}

/** Everything a request will put into the certificate, as an approver must see it. */
export interface RequestedCertificate {
  /** The whole subject as requested, e.g. CN=api.example.com, O=Shop. */
  subject?: string;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emails: string[];
  /** A CA certificate: spec.isCA, or basicConstraints CA:TRUE in the CSR. */
  isCA: boolean;
  /** Key usages, named as cert-manager names them (digital signature, cert sign, …). */
  keyUsages: string[];
  /** Extended key usages (server auth, client auth, …); unknown ones by OID. */
  extendedKeyUsages: string[];
  /** Requested lifetime as written, e.g. 2160h; absent: the issuer's default. */
  duration?: string;
  /** The same in hours, when it could be read. */
  durationHours?: number;
  /** The key to be certified. */
  key?: { algorithm: KeyAlgorithm; size?: number; curve?: string };
  /** Every extension the CSR requests, the ones above included. */
  csrExtensions: RequestedExtension[];
  /** Why the CSR could not be read or verified; then only the spec is known. */
  csrError?: string;
}

/** Whether a request may be approved at all, and if not, why (same for every approver). */
export type Approvability =
  | { approvable: true }
  | {
      approvable: false;
      refusal: 'ca-certificate' | 'unreadable-csr';
      reason: string;
    };

export interface Violation {
  /** Path of the offending field, e.g. dnsNames[2], delivery.namespace. */
  field: string;
  reason: string;
}

export interface ValidationResult {
  ok: boolean;
  violations: Violation[];
  /** Name of the policy that applies, when one does. */
  policyName?: string;
  /** Whether the request would be auto-approved. */
  autoApprove?: boolean;
  pendingReason?: string;
  /** Whether the requester belongs to the entity's owner (only then is anything auto-approved). */
  requesterIsOwner?: boolean;
}

/** Every action the audit trail records; the audit route filters by these. */
export const AUDIT_ACTIONS = [
  'created',
  'approved',
  'denied',
  'cancelled',
  'issuing',
  'issued',
  'failed',
  'renewed',
  'revoked',
  'in-cluster-approved',
  'in-cluster-denied',
  'trust-change-requested',
  'trust-change-approved',
  'trust-change-denied',
  'trust-change-applied',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  requestId?: string;
  certificateId?: string;
  entityRef?: string;
  outcome: 'success' | 'failure';
  detail?: string;
}
