import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  AuditAction,
  CertificateRequest,
  ParsedCertificate,
} from '@internal/plugin-certificates-common';
import {
  CertificateIssuer,
  IssuedCertificate,
  IssueRequest,
} from '@internal/plugin-certificates-node';
import { Knex } from 'knex';
import type { AuditEntry, AuditLog } from '../audit';
import type { KubernetesDelivery } from '../delivery/KubernetesDelivery';
import { newRequestId } from '../requests/requestId';
import type { NewRequest, RequestStore } from '../requests/RequestStore';
import { GroupCommit } from './GroupCommit';
import { IssuerRegistry } from './IssuerRegistry';

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
type Issued = IssuedCertificate & { leaf?: ParsedCertificate };

/** Re-checks a request against the policy as configured now; returns why it no longer passes. */
export type PolicyRecheck = (request: CertificateRequest, csrPem?: string) => Promise<string | undefined>;

/**
 * The inventory, written in the transaction that records a certificate
 * (IssuedCertificateRecorder fits).
 */
export interface IssuedInventory {
  /** The id of the inventory row a request's certificate gets. */
  certificateIdOf(request: Pick<CertificateRequest, 'id' | 'entityRef'>): string;
  /** Writes the rows of `records` in `trx` (non-CSR deliveries are skipped). */
  recordInTransaction(records: IssuedRecord[], trx: Knex.Transaction): Promise<void>;
}

/** Tells the requester how issuance ended (the approvals' RequestNotifier fits). */
export interface IssuanceNotifier {
  /** `claimed`: claimIssued ran in the transaction that recorded it issued. */
  requestIssued(request: CertificateRequest, options?: { claimed?: boolean }): Promise<void>;
  /**
   * Claims the issued notifications of requests in the transaction that
   * records them issued, so the issuing batch commits once, not once more
   * per request for the claim.
   */
  claimIssued?(requests: CertificateRequest[], trx: Knex.Transaction): Promise<void>;
  requestFailed(request: CertificateRequest): Promise<void>;
}

export interface IssuanceServiceOptions {
  store: RequestStore;
  issuers: IssuerRegistry;
  logger: LoggerService;
  audit?: AuditLog;
  /** Policy evaluated again at issuance time. */
  recheck?: PolicyRecheck;
  /** Secret and cert-manager delivery; without it those requests fail. */
  kubernetes?: KubernetesDelivery;
  /** Called once a certificate is issued, e.g. to add it to the inventory. */
  onIssued?: (record: IssuedRecord) => Promise<void>;
  /**
   * When given, an auto-approved CSR request issued in one transaction
   * (storeAndIssue) gets its inventory row in that transaction, linked both
   * ways, and onIssued is not called for it.
   */
  inventory?: IssuedInventory;
  /** Told once per request when it is issued or fails. */
  notifier?: IssuanceNotifier;
  now?: () => Date;
}

const ISSUER_ACTOR = 'plugin:certificates';

/** A certificate signed in memory, to be recorded by its signer. */
interface SignedCertificate extends IssuedCertificate {
  requestId: string;
  leaf?: ParsedCertificate;
}

/**
 * A signer that keeps its record in the plugin database (the built-in CA):
 * it signs in memory, and the certificate exists only once its record
 * commits, in the same transaction as the request.
 */
interface TransactionalSigner extends CertificateIssuer {
  readonly joinsTransactions: true;
  sign(request: IssueRequest): SignedCertificate;
  recordIssued(certificates: SignedCertificate[], trx: Knex.Transaction): Promise<void>;
}

function joinsTransactions(signer: CertificateIssuer | undefined): signer is TransactionalSigner {
  return (signer as Partial<TransactionalSigner> | undefined)?.joinsTransactions === true;
}

/** An auto-approved CSR request at submission, with its creation audit record. */
export interface Submission {
  request: NewRequest;
  /** The `created` audit record (its request id is filled in). */
  created: Omit<AuditEntry, 'requestId' | 'entityRef'>;
  csrPem: string;
}

/** One request's writes in a group commit. */
interface IssueWrite {
  request: NewRequest;
  audits: AuditEntry[];
  signed: SignedCertificate;
  signer: TransactionalSigner;
  stored?: CertificateRequest;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Issues approved requests exactly once: the request moves to issuing in the
 * database before any CA is called, the request id is the CA's idempotency
 * key, and a retry after a crash resumes from the persisted state.
 */
export class IssuanceService {
  private readonly inFlight = new Map<string, Promise<CertificateRequest>>();
  private readonly writes: GroupCommit<IssueWrite>;

  static create(options: IssuanceServiceOptions): IssuanceService {
    return new IssuanceService(options);
  }

  private constructor(private readonly o: IssuanceServiceOptions) {
    this.writes = GroupCommit.create<IssueWrite>({
      // 34 request columns: 64 rows stay far below SQLite's bound variables.
      maxBatch: 64,
      write: items => o.store.transaction(trx => this.writeIssued(items, trx)),
    });
  }

  /** One batch of issued requests: requests, audit trail, CA records and inventory rows. */
  private async writeIssued(items: IssueWrite[], trx: Knex.Transaction): Promise<void> {
    const inventory = this.o.inventory;
    const stored = await this.o.store.createMany(
      items.map(i =>
        inventory
          ? { ...i.request, certificateId: inventory.certificateIdOf({ id: i.request.id!, entityRef: i.request.entityRef }) }
          : i.request,
      ),
      trx,
    );
    stored.forEach((request, i) => {
      items[i].stored = request;
    });
    const audits = items.flatMap(i => i.audits);
    if (this.o.audit?.recordMany) {
      await this.o.audit.recordMany(audits, trx);
    } else {
      for (const entry of audits) await this.o.audit?.record(entry, trx);
    }
    const bySigner = new Map<TransactionalSigner, SignedCertificate[]>();
    for (const item of items) {
      bySigner.set(item.signer, [...(bySigner.get(item.signer) ?? []), item.signed]);
    }
    for (const [signer, certificates] of bySigner) {
      await signer.recordIssued(certificates, trx);
    }
    await inventory?.recordInTransaction(
      items.map(i => this.issuedRecord(i.stored!, i.signed)),
      trx,
    );
    await this.o.notifier?.claimIssued?.(stored, trx);
  }

  /** Issues (or resumes issuing) a request in state approved or issuing. */
  issueApproved(requestId: string): Promise<CertificateRequest> {
    const running = this.inFlight.get(requestId);
    if (running) {
      return running;
    }
    const run = this.run(requestId).finally(() => this.inFlight.delete(requestId));
    this.inFlight.set(requestId, run);
    return run;
  }

  private async run(requestId: string): Promise<CertificateRequest> {
    let request = await this.o.store.get(requestId);
    if (!request) {
      throw new NotFoundError(`No request ${requestId}`);
    }
    if (request.state === 'approved') {
      const moved = await this.o.store.transition(requestId, ['approved'], 'issuing', {});
      if (!moved) {
        return (await this.o.store.get(requestId))!;
      }
      request = moved;
      await this.audit(request, 'issuing', 'success');
    }
    if (request.state !== 'issuing') {
      return request;
    }
    return this.issue(request);
  }

  /**
   * Issues a request already persisted in state issuing. `policyJustChecked`
   * skips the re-evaluation when the policy passed a moment ago (auto-approval);
   * `csrPem` saves reading back the CSR just stored.
   */
  async issue(
    request: CertificateRequest,
    options: { policyJustChecked?: boolean; csrPem?: string } = {},
  ): Promise<CertificateRequest> {
    try {
      const csrPem =
        request.delivery.kind === 'csr'
          ? options.csrPem ?? (await this.o.store.getCsrPem(request.id))
          : undefined;
      const reason = options.policyJustChecked
        ? undefined
        : await this.o.recheck?.(request, csrPem);
      if (reason) {
        return this.fail(request, `No longer allowed by policy: ${reason}`);
      }
      switch (request.delivery.kind) {
        case 'csr': {
          const signer = this.o.issuers.getSigner(request.issuer);
          if (!signer || !csrPem) {
            return this.fail(request, `Issuer ${request.issuer} is not available`);
          }
          const issued = await signer.issue(this.issueRequest(request, csrPem));
          return this.complete(request, issued);
        }
        case 'secret': {
          const signer = this.o.issuers.getSigner(request.issuer);
          if (!signer || !this.o.kubernetes) {
            return this.fail(request, `Issuer ${request.issuer} or the cluster is not available`);
          }
          const issued = await this.o.kubernetes.deliverSecret(request, csr =>
            signer.issue(this.issueRequest(request, csr)),
          );
          return this.complete(request, issued);
        }
        case 'cert-manager': {
          const issuer = this.o.issuers.getCertManagerIssuer(request.issuer);
          if (!issuer || !this.o.kubernetes) {
            return this.fail(request, `Issuer ${request.issuer} or the cluster is not available`);
          }
          await this.o.kubernetes.applyCertManagerCertificate(request, issuer);
          // cert-manager signs in the cluster; follow() picks up its verdict.
          return this.follow(request);
        }
        default:
          return this.fail(request, `Unknown delivery ${String(request.delivery.kind)}`);
      }
    } catch (error) {
      this.o.logger.warn(`Issuing request ${request.id} failed: ${error}`);
      return this.fail(request, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Stores an auto-approved CSR request and issues it in one transaction
   * when its signer keeps its record in the plugin database: the certificate
   * is signed in memory, then the request (already issued, with the chain),
   * its audit records (created, issuing, issued) and the CA's record commit
   * together or not at all, so no certificate exists without its request and
   * none is published before its record commits. Concurrent submissions
   * share the transaction (group commit).
   * Returns undefined when this does not apply or nothing was stored (the
   * caller then persists and issues step by step with `persist`); a CA
   * refusal is recorded as a failed request.
   */
  async storeAndIssue(
    submission: Submission,
    persist: (trx?: Knex.Transaction) => Promise<CertificateRequest>,
  ): Promise<CertificateRequest | undefined> {
    const signer = this.o.issuers.getSigner(submission.request.issuer);
    if (!joinsTransactions(signer) || submission.request.delivery.kind !== 'csr') {
      return undefined;
    }
    const id = submission.request.id ?? newRequestId();
    let signed: SignedCertificate;
    try {
      signed = signer.sign(this.issueRequest({ ...submission.request, id }, submission.csrPem));
    } catch (error) {
      const request = await persist();
      this.o.logger.warn(`Issuing request ${request.id} failed: ${messageOf(error)}`);
      return this.fail(request, messageOf(error));
    }
    const request: NewRequest = {
      ...submission.request,
      id,
      state: 'issued',
      chainPem: signed.chainPem,
      serialNumber: signed.serialNumber,
      notAfter: signed.notAfter,
    };
    const at = (this.o.now?.() ?? new Date()).toISOString();
    const about = { requestId: id, entityRef: request.entityRef, at };
    const write: IssueWrite = {
      request,
      signer,
      signed,
      audits: this.o.audit
        ? [
            { ...submission.created, ...about },
            { actor: ISSUER_ACTOR, action: 'issuing', outcome: 'success', ...about },
            {
              actor: ISSUER_ACTOR,
              action: 'issued',
              outcome: 'success',
              detail: `serial ${signed.serialNumber}`,
              ...about,
            },
          ]
        : [],
    };
    try {
      await this.writes.add(write);
    } catch (error) {
      this.o.logger.debug(`Issuing in one transaction did not complete, issuing step by step: ${error}`);
      return undefined;
    }
    const done = write.stored!;
    await this.issued(done, signed, {
      recorded: !!this.o.inventory,
      claimed: !!this.o.notifier?.claimIssued,
    });
    return done;
  }

  /** Checks a cert-manager request's Certificate and settles it when cert-manager has. */
  async follow(request: CertificateRequest): Promise<CertificateRequest> {
    if (!this.o.kubernetes || request.state !== 'issuing') {
      return request;
    }
    const status = await this.o.kubernetes.certManagerStatus(request);
    if (status.state === 'issued') {
      return this.complete(request, status.certificate);
    }
    if (status.state === 'failed') {
      return this.fail(request, status.reason);
    }
    return request;
  }

  /**
   * Resumes requests stuck in issuing (older than `stuckAfterMs`), follows
   * cert-manager requests and issues approved requests, however many: each
   * kind is read in pages, oldest first, and handled page by page. For the
   * scheduler; returns how many requests it handled.
   */
  async resume(options: { stuckAfterMs?: number } = {}): Promise<number> {
    const now = this.o.now?.() ?? new Date();
    const before = new Date(
      now.getTime() - (options.stuckAfterMs ?? 60_000),
    ).toISOString();
    const { store } = this.o;
    let handled = 0;
    // cert-manager signs its requests in the cluster: those are followed.
    const stuck = store.pagesByState({
      states: ['issuing'],
      updatedBefore: before,
      exceptDeliveryKinds: ['cert-manager'],
    });
    for await (const page of stuck) {
      for (const request of page) {
        await this.issueApproved(request.id);
        handled++;
      }
    }
    const following = store.pagesByState({
      states: ['issuing'],
      deliveryKinds: ['cert-manager'],
    });
    for await (const page of following) {
      for (const request of page) {
        await this.follow(request).catch(e =>
          this.o.logger.warn(`Following request ${request.id} failed: ${e}`),
        );
        handled++;
      }
    }
    // Approved last: a request this moves to issuing is not met again in
    // this sweep (as stuck, or to follow).
    for await (const page of store.pagesByState({ states: ['approved'] })) {
      for (const request of page) {
        await this.issueApproved(request.id);
        handled++;
      }
    }
    return handled;
  }

  private issueRequest(
    request: Pick<
      CertificateRequest,
      'id' | 'commonName' | 'dnsNames' | 'ipAddresses' | 'uris' | 'validityDays' | 'clientAuth'
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

  private async complete(
    request: CertificateRequest,
    issued: Issued,
  ): Promise<CertificateRequest> {
    const done = await this.o.store.transition(request.id, ['issuing'], 'issued', {
      chainPem: issued.chainPem,
      serialNumber: issued.serialNumber,
      notAfter: issued.notAfter,
    });
    if (!done) {
      return (await this.o.store.get(request.id))!;
    }
    await this.audit(done, 'issued', 'success', `serial ${issued.serialNumber}`);
    await this.issued(done, issued);
    return done;
  }

  private issuedRecord(request: CertificateRequest, issued: Issued): IssuedRecord {
    return {
      request,
      chainPem: issued.chainPem,
      serialNumber: issued.serialNumber,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      leaf: issued.leaf,
    };
  }

  /**
   * After the issued state committed: inventory link (unless `recorded` in
   * that commit) and notification (`claimed` in that commit or not).
   */
  private async issued(
    done: CertificateRequest,
    issued: Issued,
    options: { recorded?: boolean; claimed?: boolean } = {},
  ): Promise<void> {
    if (this.o.onIssued && !options.recorded) {
      await this.o
        .onIssued(this.issuedRecord(done, issued))
        .catch(e => this.o.logger.warn(`Recording issued request ${done.id} failed: ${e}`));
    }
    await this.notify(
      () => this.o.notifier?.requestIssued(done, { claimed: options.claimed }),
      done,
    );
  }

  private async fail(request: CertificateRequest, reason: string): Promise<CertificateRequest> {
    const failed = await this.o.store.transition(request.id, ['issuing', 'approved'], 'failed', {
      failureReason: reason,
    });
    if (!failed) {
      return (await this.o.store.get(request.id))!;
    }
    await this.audit(failed, 'failed', 'failure', reason);
    if (failed.delivery.kind === 'secret' && this.o.kubernetes) {
      // No certificate will ever use the key generated for it.
      await this.o.kubernetes
        .discardPendingKey(failed)
        .catch(e => this.o.logger.warn(`Removing the pending key of request ${failed.id} failed: ${e}`));
    }
    await this.notify(() => this.o.notifier?.requestFailed(failed), failed);
    return failed;
  }

  /** A notification is a courtesy: its failure never changes the outcome. */
  private async notify(send: () => Promise<void> | undefined, request: CertificateRequest) {
    try {
      await send();
    } catch (error) {
      this.o.logger.warn(`Notifying about request ${request.id} failed: ${error}`);
    }
  }

  private async audit(
    request: CertificateRequest,
    action: AuditAction,
    outcome: 'success' | 'failure',
    detail?: string,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await this.o.audit?.record(
      {
        actor: ISSUER_ACTOR,
        action,
        requestId: request.id,
        entityRef: request.entityRef,
        outcome,
        detail,
      },
      trx,
    );
  }
}
