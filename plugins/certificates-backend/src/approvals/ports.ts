import {
  CertificatePolicy,
  CertificateRequest,
  RequestState,
} from '@internal/plugin-certificates-common';
import { Knex } from 'knex';

/**
 * What approvals need from the request store. `RequestStore` satisfies it;
 * tests use small fakes.
 */
export interface ApprovalRequestsPort {
  get(id: string, trx?: Knex.Transaction): Promise<CertificateRequest | undefined>;
  /** Requests in these states, any order. */
  listByState(states: RequestState[]): Promise<CertificateRequest[]>;
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
