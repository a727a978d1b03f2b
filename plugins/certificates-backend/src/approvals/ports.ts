import {
  CertificatePolicy,
  CertificateRequest,
  RequestState,
} from '@internal/plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import type { RequestQuery } from './requestPermissions';

/** Which pending requests the queue asks for; all of it is applied in the query. */
export interface PendingFilter {
  /** A conditional decision's criteria (certificates.request.approve). */
  permission?: PermissionCriteria<RequestQuery>;
  issuers?: string[];
  /** Owner entity refs, compared case-insensitively. */
  owners?: string[];
  /** Only requests created at or before this time (ISO 8601). */
  createdBefore?: string;
}

/**
 * What approvals need from the request store. `RequestStore` satisfies it;
 * tests use small fakes.
 */
export interface ApprovalRequestsPort {
  get(
    id: string,
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest | undefined>;
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
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest | undefined>;
}

/** Issues an approved request; idempotent per request id. */
export interface ApprovalIssuancePort {
  issueApproved(requestId: string): Promise<unknown>;
}

/** The policy configured under a name now, if any. */
export type PolicyLookup = (name: string) => CertificatePolicy | undefined;
