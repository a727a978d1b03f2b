import {
  CertificatePolicy,
  CertificateRequest,
  DecisionKind,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import type { CallerIdentity } from '../service/identity';
import type { PendingFilter } from '../requests/RequestStore';
import type { RequestEvents } from '../requests/ports';

// Sources of requests outside the portal (e.g. in-cluster) depend on this
// file only, so approvals can be wired to them without importing them.
export { assertApprovable } from './assertApprovable';
export {
  approvePermissionOf,
  assertDecisionAllowed,
  assertPermissionAdmits,
  decisionReason,
  permissionAdmits,
} from './approverChecks';

/** Who hears of decisions and their outcome; RequestNotifier satisfies it. */
export type ApprovalNotifier = Pick<
  RequestEvents,
  'requestDecided' | 'requestIssued' | 'requestFailed'
>;

export interface DecideInput {
  caller: CallerIdentity;
  requestId: string;
  decision: DecisionKind;
  reason?: string;
}

export interface QueueFilter {
  issuer?: string[];
  owner?: string[];
  minAgeHours?: number;
}

/** Requests decided elsewhere than the portal's store, shown in the same queue. */
export interface ExternalApprovals {
  /** Whether this id belongs to this source. */
  owns(id: string): boolean;
  /** Every row of the caller's queue held by this source (kept in memory, e.g. a cluster's list). */
  queue(
    caller: CallerIdentity,
    filter: QueueFilter,
  ): Promise<CertificateRequest[]>;
  decide(input: DecideInput): Promise<CertificateRequest>;
  /** Everything undecided, whoever may decide it (to announce it to approvers). */
  undecided?(): Promise<CertificateRequest[]>;
  /** What this person decided here, newest first. */
  history?(
    caller: CallerIdentity,
    limit?: number,
  ): Promise<CertificateRequest[]>;
}

// The store's query filter: approvals build on the request store, not the reverse.
export type { PendingFilter };

/**
 * What approvals need from the request store. `RequestStore` satisfies it;
 * tests use small fakes.
 */
export interface ApprovalRequestsPort {
  get(id: string, trx?: UnitOfWork): Promise<CertificateRequest | undefined>;
  /** Every pending request that matches `filter`, oldest first, however many. */
  listPending(filter?: PendingFilter): Promise<CertificateRequest[]>;
  listByIds(ids: string[]): Promise<CertificateRequest[]>;
  /**
   * Compare-and-set: moves the request to `to` only if its state is one of
   * `from`; returns the updated request, or undefined when it was not.
   */
  transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    patch: Partial<CertificateRequest>,
    trx?: UnitOfWork,
  ): Promise<CertificateRequest | undefined>;
}

/** Issues an approved request; idempotent per request id. */
export interface ApprovalIssuancePort {
  issueApproved(requestId: string): Promise<unknown>;
}

/** The policy configured under a name now, if any. */
export type PolicyLookup = (name: string) => CertificatePolicy | undefined;

/** A place in the queue's order: the (createdAt, id) of the last request read. */
export type QueuePosition = [createdAt: string, id: string];

/**
 * The pending requests one approver may decide, as a query: the filter,
 * and the policy's rules (approver groups, not their own, not decided yet)
 * so that counting and paging need no request in memory.
 */
export interface ApproverQueueFilter extends PendingFilter {
  /** The approver: their own requests and the ones they decided are left out. */
  actor: string;
  /** The approver's user and group refs now. */
  actorRefs: string[];
  /** Configured policies whose approvers include one of `actorRefs`. */
  approverPolicies: string[];
  /**
   * Every policy configured with approvers. A request under any other
   * policy is decided by the approvers recorded on it.
   */
  configuredPolicies: string[];
}

/** One approver's queue, counted and paged in the database. */
export interface ApprovalQueuePort {
  /** Up to `limit` requests after `after`, oldest first in (createdAt, id) order. */
  page(
    filter: ApproverQueueFilter,
    options: { limit: number; after?: QueuePosition },
  ): Promise<CertificateRequest[]>;
  count(filter: ApproverQueueFilter): Promise<number>;
}

/** Who belongs to which groups now, for approvals given earlier. */
export interface ApproverDirectory {
  /** The user's ref and the refs of the groups they belong to now; [] for an unknown user. */
  ownershipRefsOf(userEntityRef: string): Promise<string[]>;
}
