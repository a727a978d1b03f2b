import { AuditRecord, CertificateRequest, IssuerInfo } from './types';
import { CertificatePolicy } from './policyTypes';

// Shapes of HTTP answers that the backend produces and the frontend reads;
// declared once here so the two sides cannot drift apart.

/** Answer of GET /policy: the policy that applies to an entity and what it allows. */
export interface EntityPolicy {
  /** Null when no policy applies; `reason` then says why. */
  policy: CertificatePolicy | null;
  reason?: string;
  issuers: IssuerInfo[];
  clusters: string[];
  suggestedDnsNames: string[];
}

/** Answer of POST /certificates/:id/renew. */
export type RenewOutcome =
  | { outcome: 'renewal-requested'; request: CertificateRequest }
  | { outcome: 'cert-manager-reissuing' };

/** What an approver decides on a request. */
export type DecisionKind = 'approve' | 'deny';

/** One request's outcome in a bulk decision (POST /approvals/bulk). */
export interface BulkDecisionResult {
  id: string;
  ok: boolean;
  /** The request's state after the decision (when `ok`). */
  state?: CertificateRequest['state'];
  /** Why the decision was refused (when not `ok`), as the backend names it. */
  error?: { name: string; message: string };
}

/** A page of the audit trail (GET /audit), newest first. */
export interface AuditListResponse {
  items: AuditRecord[];
  nextCursor?: string;
}

/** Answer of GET /requests: one page, newest first. */
export interface RequestListResponse {
  items: CertificateRequest[];
  nextCursor?: string;
}

/** Answer of GET /requests/:id: the request with its audit trail. */
export interface RequestWithAudit {
  request: CertificateRequest;
  audit: AuditRecord[];
}

/** Answer of POST /approvals/bulk. */
export interface BulkDecisionResponse {
  results: BulkDecisionResult[];
}

/** Answer of GET /approvals: one page of the queue, oldest first. */
export interface ApprovalsListResponse {
  items: CertificateRequest[];
  /** Present when more requests wait after this page. */
  nextCursor?: string;
  /** Every request of the queue with these filters, on all pages. */
  totalCount: number;
}

/**
 * The signals channel on which approvers hear that their queue changed, so
 * a pending-count badge counts again instead of polling.
 */
export const APPROVALS_SIGNAL_CHANNEL = 'certificates:approvals';

/** A message on `APPROVALS_SIGNAL_CHANNEL`; it says what happened, never to which request. */
export type ApprovalsSignal = {
  event: 'queued' | 'decided' | 'cancelled';
};
