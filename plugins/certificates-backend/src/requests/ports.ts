import {
  CertificateRequest,
  IssuerInfo,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { AuditEntry } from '../audit';
import type { UnitOfWork } from '../database';
import type { NewRequest } from './RequestStore';

// What requests need from issuing, declared here so that issuing (which
// builds on the request store) can depend on requests and not the reverse.

/** A submission signed in the transaction that stores it (CSR, auto-approved). */
export interface IssuableSubmission {
  request: NewRequest;
  /** The `created` audit record (its request id is filled in). */
  created: Omit<AuditEntry, 'requestId' | 'entityRef'>;
  csrPem: string;
}

/** Issuance as request submission uses it; IssuanceService satisfies it. */
export interface RequestIssuancePort {
  /** Issues an approved request exactly once. */
  issue(
    request: CertificateRequest,
    options?: { policyJustChecked?: boolean; csrPem?: string },
  ): Promise<CertificateRequest>;
  /**
   * Signs and stores in one transaction where the issuer allows it;
   * undefined when it does not (the caller then stores and issues).
   */
  storeAndIssue(
    submission: IssuableSubmission,
    persist: (trx?: UnitOfWork) => Promise<CertificateRequest>,
  ): Promise<CertificateRequest | undefined>;
}

/**
 * The moments in a request's life that others hear of; RequestNotifier
 * hears them all, each part names the ones it causes.
 */
export interface RequestEvents {
  /** A request waits for approvers. */
  requestQueued(request: CertificateRequest): Promise<void>;
  requestDecided(request: CertificateRequest): Promise<void>;
  /** The requester withdrew a pending request. */
  requestCancelled(request: CertificateRequest): Promise<void>;
  requestIssued(request: CertificateRequest): Promise<void>;
  requestFailed(request: CertificateRequest): Promise<void>;
}

/** The issuers a request may name; IssuerRegistry satisfies it. */
export interface IssuerCatalog {
  list(): Promise<IssuerInfo[]>;
}
