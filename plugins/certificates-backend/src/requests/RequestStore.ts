import {
  CertificateRequest,
  DeliveryKind,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { UnitOfWork } from '../database';
import type { RequestQuery } from '../permissions';

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
 * A request as submitted. `id` is assigned unless given (a request signed
 * before it is stored needs its id first); the result fields are stored as
 * given, for a request inserted already issued in the transaction that
 * records its certificate.
 */
export type NewRequest = Omit<
  CertificateRequest,
  'id' | 'createdAt' | 'updatedAt' | 'decisions' | 'requesterIsOwner'
> & {
  id?: string;
  csrPem?: string;
  chainPem?: string;
  /** Not given: false, so nothing passes as an owner's request by omission. */
  requesterIsOwner?: boolean;
};

/** The columns a transition may change: state, decision and result only. */
export type RequestPatch = Partial<
  Pick<
    CertificateRequest,
    | 'pendingReason'
    | 'decisions'
    | 'failureReason'
    | 'certificateId'
    | 'serialNumber'
    | 'notAfter'
  >
> & {
  chainPem?: string;
  /**
   * Only while this owner holds the request's issuance lease, which the
   * transition then releases: an owner whose lease was taken over (it
   * stalled past its expiry) settles nothing.
   */
  releaseLeaseOf?: string;
};

export interface RequestListFilter {
  entityRef?: string;
  state?: RequestState[];
  requester?: string;
  /** Default 50, at most 200. */
  limit?: number;
  cursor?: string;
  /** Only requests matching these (translated permission) conditions. */
  permission?: PermissionCriteria<RequestQuery>;
}

/** Which requests `pagesByState` reads; every field given must match. */
export interface StateFilter {
  /** In one of these states (none: no request). */
  states: RequestState[];
  /** Last changed (updatedAt) strictly before this time (ISO 8601). */
  updatedBefore?: string;
  /** Delivered in one of these ways. */
  deliveryKinds?: DeliveryKind[];
  /** Delivered in none of these ways. */
  exceptDeliveryKinds?: DeliveryKind[];
  /** Only requests whose certificate was not revoked. */
  notRevoked?: boolean;
  /**
   * Only requests no one holds an issuance lease on at this time (ISO
   * 8601): none was taken, or it expired before.
   */
  leaseFreeAt?: string;
}

/** An issuance lease: who holds it, until when. */
export interface IssuanceLease {
  owner: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** A request whose issuance lease was just taken. */
export interface LeasedRequest {
  request: CertificateRequest;
  /**
   * SHA-256 (hex) of the leaf the CA signed for it, when recorded before a
   * delivery that did not settle.
   */
  signedFingerprint?: string;
  /**
   * SHA-256 (hex) of the public key of the pending key generated for it,
   * when recorded (Secret delivery).
   */
  pendingKeyFingerprint?: string;
}

export interface RequestStore {
  /**
   * Takes the issuance lease of request `id` (compare-and-set): only while
   * its state is one of `states` and no other owner holds a lease that
   * expires after `now` (ISO 8601). Returns the request, or undefined when
   * it was not taken.
   */
  acquireLease(
    id: string,
    lease: IssuanceLease,
    options: { states: RequestState[]; now: string },
  ): Promise<LeasedRequest | undefined>;
  /** Extends a lease its owner holds; false when the owner no longer holds it. */
  renewLease(id: string, lease: IssuanceLease): Promise<boolean>;
  /** Gives a lease up; nothing happens when `owner` does not hold it. */
  releaseLease(id: string, owner: string): Promise<void>;
  /**
   * Records the fingerprint of the leaf signed for request `id` while
   * `owner` holds its lease; false when it does not.
   */
  recordSigned(
    id: string,
    owner: string,
    fingerprint: string,
  ): Promise<boolean>;
  /**
   * Records the public key fingerprint of the key generated for request
   * `id` while `owner` holds its lease; false when it does not.
   */
  recordPendingKey(
    id: string,
    owner: string,
    fingerprint: string,
  ): Promise<boolean>;
  create(request: NewRequest, trx?: UnitOfWork): Promise<CertificateRequest>;
  /** Inserts several requests in one statement (in `trx` when given). */
  createMany(
    requests: NewRequest[],
    trx?: UnitOfWork,
  ): Promise<CertificateRequest[]>;
  /** Runs `fn` in one database transaction: all of its writes commit or none. */
  transaction<T>(fn: (trx: UnitOfWork) => Promise<T>): Promise<T>;
  get(id: string, trx?: UnitOfWork): Promise<CertificateRequest | undefined>;
  /** The issued chain (PEM), once issued. */
  getChainPem(id: string): Promise<string | undefined>;
  /** The submitted CSR, for csr delivery. */
  getCsrPem(id: string): Promise<string | undefined>;
  /**
   * Records that the issued certificate of request `id` was revoked; returns
   * the request, or undefined when it is not issued or already revoked.
   */
  recordRevocation(
    id: string,
    revocation: { at: string; reason: string },
    trx?: UnitOfWork,
  ): Promise<CertificateRequest | undefined>;
  /** How many of `requester`'s requests are open (pending, approved or issuing). */
  countOpen(requester: string): Promise<number>;
  /** A renewal of `lineage` (the first request's id) still under way, if any. */
  findOpenRenewal(lineage: string): Promise<CertificateRequest | undefined>;
  /**
   * The newest later request of the same lineage that is under way or
   * issued, if any (then `request` is no longer the one to renew).
   */
  findNewerInLineage(
    request: CertificateRequest,
  ): Promise<CertificateRequest | undefined>;
  list(
    filter: RequestListFilter,
  ): Promise<{ items: CertificateRequest[]; nextCursor?: string }>;
  /** Every pending request that matches `filter`, oldest first, however many. */
  listPending(filter?: PendingFilter): Promise<CertificateRequest[]>;
  listByIds(ids: string[]): Promise<CertificateRequest[]>;
  /**
   * Every request that matches `filter`, however many, oldest first in
   * (createdAt, id) order, as pages of at most 500 requests. Each page is
   * one query, run when the page before has been consumed, for the
   * requests after that page's last one: the caller may change the
   * requests of a page (e.g. move them to another state) and no other
   * request is skipped. A request that starts to match meanwhile is read
   * only if it sorts after the last one read.
   */
  pagesByState(filter: StateFilter): AsyncIterable<CertificateRequest[]>;
  /**
   * Issued CSR-delivery requests whose certificate has no inventory row yet
   * (certificateId unset), oldest first.
   */
  listIssuedWithoutCertificate(limit: number): Promise<CertificateRequest[]>;
  /**
   * Points issued requests at their inventory rows (certificateId), in one
   * statement; a request no longer issued is left alone.
   */
  linkCertificates(
    links: Array<{ requestId: string; certificateId: string }>,
  ): Promise<void>;
  /**
   * Compare-and-set: moves the request to `to` only if its state is one of
   * `from`; returns the updated request, or undefined when it was not.
   * Throws, before any write, when `to` may not follow one of `from`
   * (REQUEST_TRANSITIONS): that is a caller's bug, not a lost race.
   */
  transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    patch: RequestPatch,
    trx?: UnitOfWork,
  ): Promise<CertificateRequest | undefined>;
}
