import { createApiRef } from '@backstage/core-plugin-api';
import {
  ApprovalsListResponse,
  AuditAction,
  AuditListResponse,
  BulkDecisionResponse,
  CertificateActions,
  CertificateDetails,
  CertificateListFilter,
  CertificateListResponse,
  CertificateRequest,
  CertificateRequestInput,
  ClusterSyncStatus,
  CountsResponse,
  DecisionKind,
  EndpointScanStatus,
  EntityPolicy,
  IssuerInfo,
  RenewOutcome,
  RequestListResponse,
  RequestState,
  RequestWithAudit,
  RevocationReason,
  SortField,
  TimelineBucket,
  TrustChange,
  TrustOverview,
  TrustTargetStatus,
  ValidationResult,
} from '@kubecerts/backstage-plugin-certificates-common';

export type {
  ApprovalsListResponse,
  AuditListResponse,
  BulkDecisionResponse,
  BulkDecisionResult,
  DecisionKind,
  EntityPolicy,
  RenewOutcome,
  RequestListResponse,
  RequestWithAudit,
} from '@kubecerts/backstage-plugin-certificates-common';

/** Paging and sorting of the certificate list; the backend pages with opaque cursors. */
export interface CertificateListQuery extends CertificateListFilter {
  sort?: SortField;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** A certificate's details with the caller's actions on it. */
export type CertificateDetailsWithActions = CertificateDetails & {
  actions?: CertificateActions;
};

export interface RevokeInput {
  reason: RevocationReason;
  comment?: string;
}

export interface RequestListQuery {
  entityRef?: string;
  state?: RequestState[];
  /** Only requests made by the caller. */
  mine?: boolean;
  limit?: number;
  cursor?: string;
}

export interface DecisionInput {
  decision: DecisionKind;
  reason?: string;
}

export interface BulkDecisionInput extends DecisionInput {
  ids: string[];
}

export interface ApprovalsQuery {
  issuer?: string;
  owner?: string;
  minAgeHours?: number;
  /** Page size, 1 to 200 (default 100). */
  limit?: number;
  /** `nextCursor` of the page before. */
  cursor?: string;
}

export interface AuditQuery {
  entityRef?: string;
  actor?: string;
  action?: AuditAction;
  /** ISO instant. */
  from?: string;
  /** ISO instant. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Client of the certificates backend (`/api/certificates`), one method per route.
 *
 * Failures reject with a `ResponseError`, except a 400 whose body lists policy
 * violations: that rejects with a `PolicyViolationError` carrying them.
 */
export interface CertificatesApi {
  // Inventory
  listCertificates(
    query?: CertificateListQuery,
  ): Promise<CertificateListResponse>;
  getCertificate(id: string): Promise<CertificateDetailsWithActions>;
  /** The certificate chain as PEM text. */
  getCertificateChainPem(id: string): Promise<string>;
  /** How the scans of an endpoint's certificate (location `endpoint`) went. */
  getEndpointScanStatus(id: string): Promise<EndpointScanStatus>;
  getCounts(filter?: CertificateListFilter): Promise<CountsResponse>;
  getTimeline(
    filter?: CertificateListFilter & { weeks?: number },
  ): Promise<TimelineBucket[]>;
  /** The URL of the CSV export of a filtered list (needs the caller's token). */
  getExportCsvUrl(filter?: CertificateListFilter): Promise<string>;
  /** Downloads the CSV export of a filtered list with the caller's credentials. */
  exportCsv(filter?: CertificateListFilter): Promise<Blob>;
  listClusters(): Promise<ClusterSyncStatus[]>;
  listIssuers(): Promise<IssuerInfo[]>;
  /** Renews a certificate: a renewal request, or cert-manager reissues it. */
  renewCertificate(id: string): Promise<RenewOutcome>;
  /** Revokes a certificate issued through the portal; resolves with its request. */
  revokeCertificate(
    id: string,
    input: RevokeInput,
  ): Promise<{ request: CertificateRequest }>;

  // Requests
  getPolicy(entityRef: string): Promise<EntityPolicy>;
  /**
   * Dry-run of a request against the policy. A non-compliant request resolves
   * with `ok: false` and its violations (the backend answers 400) rather than
   * rejecting, so a form can call it as the user types.
   */
  validateRequest(input: CertificateRequestInput): Promise<ValidationResult>;
  /** Rejects with `PolicyViolationError` when the policy refuses the request. */
  createRequest(input: CertificateRequestInput): Promise<CertificateRequest>;
  listRequests(query?: RequestListQuery): Promise<RequestListResponse>;
  getRequest(id: string): Promise<RequestWithAudit>;
  /** The issued chain of a request as PEM text. */
  getRequestChainPem(id: string): Promise<string>;
  cancelRequest(id: string): Promise<CertificateRequest>;

  // Approvals
  decide(id: string, input: DecisionInput): Promise<CertificateRequest>;
  bulkDecide(input: BulkDecisionInput): Promise<BulkDecisionResponse>;
  listApprovals(query?: ApprovalsQuery): Promise<ApprovalsListResponse>;
  getApprovalsCount(): Promise<number>;
  listApprovalsHistory(): Promise<CertificateRequest[]>;

  // Audit
  listAudit(query?: AuditQuery): Promise<AuditListResponse>;

  // Root of trust
  getTrust(): Promise<TrustOverview>;
  requestTrustChange(input: TrustChangeInput): Promise<TrustChange>;
  decideTrustChange(
    id: string,
    input: { decision: 'approve' | 'deny'; reason?: string },
  ): Promise<TrustChange>;
  /** Checks the distribution, and repairs drift unless `repair` is false. */
  syncTrust(input?: {
    repair?: boolean;
  }): Promise<{ targets: TrustTargetStatus[] }>;
}

/** Body of POST /trust/changes. */
export type TrustChangeInput =
  | { action: 'add'; pem: string; reason: string }
  | { action: 'remove'; fingerprint: string; reason: string };

export const certificatesApiRef = createApiRef<CertificatesApi>({
  id: 'plugin.certificates.service',
});
