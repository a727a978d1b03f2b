import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CertificateRequest,
  ParsedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateIssuer,
  IssuedCertificate,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import type { UnitOfWork } from '../database';
import type { AuditEntry, AuditLog } from '../audit';
import type { NewRequest, RequestStore } from '../requests/RequestStore';
import type { DeliveryStrategies } from './deliveryPorts';
import type { IssuerRegistry } from './IssuerRegistry';

/** What the inventory needs to link an issued certificate to its request. */
export interface IssuedRecord {
  request: CertificateRequest;
  chainPem: string;
  serialNumber: string;
  notBefore?: string;
  notAfter?: string;
  /**
   * The leaf's fields as the inventory's parser would read them from the
   * chain's first certificate, when the issuer knows them (the built-in CA
   * built it); its signer is the chain's second certificate. Saves
   * parsing and verifying a certificate just built.
   */
  leaf?: ParsedCertificate;
}

/** An issuer's result, with the leaf's fields when the issuer knows them. */
export type Issued = IssuedCertificate & { leaf?: ParsedCertificate };

/** Re-checks a request against the policy as configured now; returns why it no longer passes. */
export type PolicyRecheck = (
  request: CertificateRequest,
  csrPem?: string,
) => Promise<string | undefined>;

/**
 * The inventory, written in the transaction that records a certificate
 * (IssuedCertificateRecorder fits).
 */
export interface IssuedInventory {
  /**
   * The id of the inventory row a request's certificate gets; undefined
   * where no inventory is kept (a benchmark of issuance alone).
   */
  certificateIdOf(
    request: Pick<CertificateRequest, 'id' | 'entityRef'>,
  ): string | undefined;
  /** Writes the rows of `records` in `trx` (non-CSR deliveries are skipped). */
  recordInTransaction(records: IssuedRecord[], trx: UnitOfWork): Promise<void>;
}

/** Tells the requester how issuance ended (the approvals' RequestNotifier fits). */
export interface IssuanceNotifier {
  /** `claimed`: claimIssued ran in the transaction that recorded it issued. */
  requestIssued(
    request: CertificateRequest,
    options?: { claimed?: boolean },
  ): Promise<void>;
  /**
   * Claims the issued notifications of requests in the transaction that
   * records them issued, so the issuing batch commits once, not once more
   * per request for the claim.
   */
  claimIssued?(requests: CertificateRequest[], trx: UnitOfWork): Promise<void>;
  requestFailed(request: CertificateRequest): Promise<void>;
}

export interface IssuanceServiceOptions {
  store: RequestStore;
  issuers: IssuerRegistry;
  logger: LoggerService;
  audit: AuditLog;
  /** Policy evaluated again at issuance time. */
  recheck: PolicyRecheck;
  /**
   * How each delivery kind is delivered and followed (KubernetesDelivery's
   * `strategies` for secret and cert-manager); csr delivery is built in. A
   * request of a kind without a strategy fails.
   */
  deliveries?: DeliveryStrategies;
  /**
   * Called once a certificate is issued, to add it to the inventory, except
   * for those `inventory` recorded in their issuing transaction.
   */
  onIssued: (record: IssuedRecord) => Promise<void>;
  /**
   * An auto-approved CSR request issued in one transaction (storeAndIssue)
   * gets its inventory row in that transaction, linked both ways.
   */
  inventory: IssuedInventory;
  /** Told once per request when it is issued or fails. */
  notifier: IssuanceNotifier;
  /**
   * How long an issuance lease lasts unless renewed (it is renewed every
   * third of it while the work goes on); default one minute.
   */
  leaseMs?: number;
  now?: () => Date;
}

/** A certificate signed in memory, to be recorded by its signer. */
export interface SignedCertificate extends IssuedCertificate {
  requestId: string;
  leaf?: ParsedCertificate;
}

/**
 * A signer that keeps its record in the plugin database (the built-in CA):
 * it signs in memory, and the certificate exists only once its record
 * commits, in the same transaction as the request.
 */
export interface TransactionalSigner extends CertificateIssuer {
  readonly joinsTransactions: true;
  sign(request: IssueRequest): SignedCertificate;
  recordIssued(
    certificates: SignedCertificate[],
    trx: UnitOfWork,
  ): Promise<void>;
}

export function joinsTransactions(
  signer: CertificateIssuer | undefined,
): signer is TransactionalSigner {
  return (
    (signer as Partial<TransactionalSigner> | undefined)?.joinsTransactions ===
    true
  );
}

/** An auto-approved CSR request at submission, with its creation audit record. */
export interface Submission {
  request: NewRequest;
  /** The `created` audit record (its request id is filled in). */
  created: Omit<AuditEntry, 'requestId' | 'entityRef'>;
  csrPem: string;
}

/** One request's writes in a group commit. */
export interface IssueWrite {
  request: NewRequest;
  audits: AuditEntry[];
  signed: SignedCertificate;
  signer: TransactionalSigner;
  stored?: CertificateRequest;
}

/** What an issuer is asked to sign for a request: exactly what was approved. */
export function toIssueRequest(
  request: Pick<
    CertificateRequest,
    | 'id'
    | 'commonName'
    | 'dnsNames'
    | 'ipAddresses'
    | 'uris'
    | 'validityDays'
    | 'clientAuth'
  >,
  csrPem: string,
): IssueRequest {
  return {
    requestId: request.id,
    commonName: request.commonName,
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses ?? [],
    uris: request.uris ?? [],
    validityDays: request.validityDays,
    clientAuth: !!request.clientAuth,
    csrPem,
  };
}

/** What the inventory is told of an issued request. */
export function issuedRecordOf(
  request: CertificateRequest,
  issued: Issued,
): IssuedRecord {
  return {
    request,
    chainPem: issued.chainPem,
    serialNumber: issued.serialNumber,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    leaf: issued.leaf,
  };
}
