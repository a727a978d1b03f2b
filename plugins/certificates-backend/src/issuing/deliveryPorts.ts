import {
  CertificateRequest,
  DeliveryKind,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateIssuer } from '@kubecerts/backstage-plugin-certificates-node';
import type { CertManagerIssuerConfig } from './IssuerRegistry';
import type { Issued } from './issuanceTypes';

/** What issuance hands a strategy for one attempt, under the request's lease. */
export interface DeliveryContext {
  /** The request's signer, when its issuer signs in the portal. */
  signer?: CertificateIssuer;
  /** The request's cert-manager issuer, when its issuer is one. */
  certManagerIssuer?: CertManagerIssuerConfig;
  /** The requester's CSR (csr delivery). */
  csrPem?: string;
  /**
   * Signs a CSR made for the request with its signer and records the leaf's
   * fingerprint before anything is written, so that a retry recognises what
   * it wrote.
   */
  sign(csrPem: string): Promise<Issued>;
  /** What the CA signed for the request in an earlier attempt, if recorded. */
  signedFingerprint?: string;
  /**
   * Records the SHA-256 (hex) of the public key of a key generated for the
   * request, before that key is written anywhere; refused once the lease
   * was taken over.
   */
  recordPendingKey(fingerprint: string): Promise<void>;
  /** The public key fingerprint recorded for the request's pending key, if any. */
  pendingKeyFingerprint?: string;
}

/** What following a request needs: no lease, nothing is signed. */
export type FollowContext = Pick<
  DeliveryContext,
  'certManagerIssuer' | 'signedFingerprint' | 'pendingKeyFingerprint'
>;

/** What was prepared for a request, as recorded. */
export interface Prepared {
  /** The public key fingerprint of the request's pending key. */
  pendingKeyFingerprint?: string;
}

export type DeliveryOutcome =
  | { state: 'issued'; certificate: Issued }
  | { state: 'failed'; reason: string }
  /** Delivered; the cluster has not issued yet (cert-manager). */
  | { state: 'pending' }
  /** Nothing was delivered yet (an attempt stopped before): deliver again. */
  | { state: 'undelivered'; reason: string };

/**
 * How requests of one delivery kind are delivered (`deliver`, once approved)
 * and read back (`follow`, while issuing and after a restart). Issuance keeps
 * the state machine, the lease and the audit; a strategy only reports.
 */
export interface DeliveryStrategy {
  readonly kind: DeliveryKind;
  deliver(
    request: CertificateRequest,
    context: DeliveryContext,
  ): Promise<DeliveryOutcome>;
  follow(
    request: CertificateRequest,
    context: FollowContext,
  ): Promise<DeliveryOutcome>;
  /**
   * The request ended without a certificate: removes what was prepared for
   * it, if it is what `prepared` records.
   */
  discard?(request: CertificateRequest, prepared: Prepared): Promise<void>;
}

export type DeliveryStrategies = Partial<
  Record<DeliveryKind, DeliveryStrategy>
>;
