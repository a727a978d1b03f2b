import { ConflictError, NotFoundError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import { newRequestId } from '../requests/requestId';
import {
  auditedTransition,
  IssuerAuditEntry,
  StateMove,
} from './auditedTransition';
import { CsrDelivery } from './CsrDelivery';
import { deliveryContext, unavailableDelivery } from './deliveryContext';
import type {
  DeliveryOutcome,
  DeliveryStrategies,
  DeliveryStrategy,
  Prepared,
} from './deliveryPorts';
import { HeldLease, IssuanceLeases } from './IssuanceLeases';
import { recoverySweep } from './recoverySweep';
import { IssuedBatch } from './IssuedBatch';
import {
  Issued,
  IssuanceServiceOptions,
  issuedRecordOf,
  joinsTransactions,
  SignedCertificate,
  Submission,
  toIssueRequest,
} from './issuanceTypes';

export type {
  IssuanceNotifier,
  IssuanceServiceOptions,
  IssuedInventory,
  IssuedRecord,
  PolicyRecheck,
  Submission,
} from './issuanceTypes';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Issues approved requests exactly once: the request moves to issuing in the
 * database before any CA is called, the request id is the CA's idempotency
 * key, and a retry after a crash resumes from the persisted state. Whoever
 * issues a request stored in issuing (this instance, another one, the
 * recovery sweep) first takes its issuance lease by compare-and-set and
 * settles it only while holding it (IssuanceLeases): one issuance at a time
 * per request, across instances. Each state change commits in one
 * transaction with its audit record (auditedTransition).
 */
export class IssuanceService {
  private readonly inFlight = new Map<string, Promise<CertificateRequest>>();
  private readonly batch: IssuedBatch;
  private readonly leases: IssuanceLeases;
  private readonly deliveries: DeliveryStrategies;

  static create(options: IssuanceServiceOptions): IssuanceService {
    return new IssuanceService(options);
  }

  private constructor(private readonly o: IssuanceServiceOptions) {
    this.deliveries = { csr: CsrDelivery.create(), ...o.deliveries };
    this.leases = IssuanceLeases.create({
      store: o.store,
      logger: o.logger,
      now: () => this.now(),
      leaseMs: o.leaseMs ?? 60_000,
    });
    this.batch = IssuedBatch.create({
      store: o.store,
      audit: o.audit,
      inventory: o.inventory,
      notifier: o.notifier,
      issuedRecord: w => issuedRecordOf(w.stored!, w.signed),
    });
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** One run per request at a time in this instance. */
  private once(
    requestId: string,
    run: () => Promise<CertificateRequest>,
  ): Promise<CertificateRequest> {
    const running = this.inFlight.get(requestId);
    if (running) {
      return running;
    }
    const started = run().finally(() => this.inFlight.delete(requestId));
    this.inFlight.set(requestId, started);
    return started;
  }

  /** Issues (or resumes issuing) a request in state approved or issuing. */
  issueApproved(requestId: string): Promise<CertificateRequest> {
    return this.once(requestId, async () => {
      const taken = await this.leases.take(requestId, ['approved', 'issuing']);
      if (!taken) {
        // Settled already, or another owner is issuing it right now.
        const current = await this.o.store.get(requestId);
        if (!current) {
          throw new NotFoundError(`No request ${requestId}`);
        }
        return current;
      }
      return this.leases.hold(taken.lease, async () => {
        let request = taken.request;
        if (request.state === 'approved') {
          const moved = await this.move(
            { id: requestId, from: ['approved'], to: 'issuing', patch: {} },
            { action: 'issuing', outcome: 'success' },
          );
          if (!moved) {
            return (await this.o.store.get(requestId))!;
          }
          request = moved;
        }
        return this.issueUnder(taken.lease, request);
      });
    });
  }

  /**
   * Issues a request already persisted in state issuing (auto-approved at
   * submission), once its lease is taken. `policyJustChecked` skips the
   * re-evaluation when the policy passed a moment ago; `csrPem` saves
   * reading back the CSR just stored. A delivery target found taken at the
   * last moment is stored as failed (and audited) and thrown as a
   * ConflictError, so that the submitter is answered 409.
   */
  async issue(
    request: CertificateRequest,
    options: { policyJustChecked?: boolean; csrPem?: string } = {},
  ): Promise<CertificateRequest> {
    let conflict: ConflictError | undefined;
    const done = await this.once(request.id, async () => {
      const taken = await this.leases.take(request.id, ['issuing']);
      if (!taken) {
        return (await this.o.store.get(request.id)) ?? request;
      }
      return this.leases.hold(taken.lease, () =>
        this.issueUnder(taken.lease, taken.request, {
          ...options,
          onConflict: error => {
            conflict = error;
          },
        }),
      );
    });
    if (conflict && done.state === 'failed') {
      throw new ConflictError(`Request ${done.id} failed: ${conflict.message}`);
    }
    return done;
  }

  private async issueUnder(
    lease: HeldLease,
    request: CertificateRequest,
    options: {
      policyJustChecked?: boolean;
      csrPem?: string;
      onConflict?: (error: ConflictError) => void;
    } = {},
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
        return this.fail(
          request,
          `No longer allowed by policy: ${reason}`,
          lease,
        );
      }
      const strategy = this.strategyFor(request);
      if (!strategy) {
        return this.fail(request, unavailableDelivery(request), lease);
      }
      const context = deliveryContext(this.o, { request, lease, csrPem });
      const outcome = await strategy.deliver(request, context);
      return this.settle(request, outcome, lease);
    } catch (error) {
      this.o.logger.warn(`Issuing request ${request.id} failed: ${error}`);
      if (error instanceof ConflictError) options.onConflict?.(error);
      return this.fail(request, messageOf(error), lease);
    }
  }

  private strategyFor(
    request: CertificateRequest,
  ): DeliveryStrategy | undefined {
    return this.deliveries[request.delivery.kind];
  }

  /** Settles a request as its strategy reports; pending leaves it issuing. */
  private settle(
    request: CertificateRequest,
    outcome: DeliveryOutcome,
    lease?: HeldLease,
  ): Promise<CertificateRequest> {
    switch (outcome.state) {
      case 'issued':
        return this.complete(request, outcome.certificate, lease);
      case 'failed':
        return this.fail(request, outcome.reason, lease);
      case 'undelivered':
        // Under a lease this attempt just delivered: not finding it is a failure.
        return lease
          ? this.fail(request, outcome.reason, lease)
          : this.issueApproved(request.id);
      default:
        return Promise.resolve(request);
    }
  }

  /**
   * Stores an auto-approved CSR request and issues it in one transaction
   * when its signer keeps its record in the plugin database: the certificate
   * is signed in memory, then the request (already issued, with the chain),
   * its audit records (created, issuing, issued) and the CA's record commit
   * together or not at all, so no certificate exists without its request and
   * none is published before its record commits. Concurrent submissions
   * share the transaction (group commit, IssuedBatch).
   * Returns undefined when this does not apply or nothing was stored (the
   * caller then persists and issues step by step with `persist`); a CA
   * refusal is recorded as a failed request, stored and failed with its
   * audit trail in one transaction.
   */
  async storeAndIssue(
    submission: Submission,
    persist: (trx?: UnitOfWork) => Promise<CertificateRequest>,
  ): Promise<CertificateRequest | undefined> {
    const signer = this.o.issuers.getSigner(submission.request.issuer);
    if (
      !joinsTransactions(signer) ||
      submission.request.delivery.kind !== 'csr'
    ) {
      return undefined;
    }
    const id = submission.request.id ?? newRequestId();
    let signed: SignedCertificate;
    try {
      signed = signer.sign(
        toIssueRequest({ ...submission.request, id }, submission.csrPem),
      );
    } catch (error) {
      const reason = messageOf(error);
      const failed = await this.o.store.transaction(async trx => {
        const request = await persist(trx);
        const moved = await this.move(
          {
            id: request.id,
            from: ['issuing'],
            to: 'failed',
            patch: { failureReason: reason },
          },
          { action: 'failed', outcome: 'failure', detail: reason },
          trx,
        );
        return moved ?? request;
      });
      this.o.logger.warn(`Issuing request ${failed.id} failed: ${reason}`);
      return this.failed(failed);
    }
    const write = this.batch.issuedAtSubmission(submission, {
      id,
      signer,
      signed,
      at: this.now().toISOString(),
    });
    try {
      await this.batch.add(write);
    } catch (error) {
      this.o.logger.debug(
        `Issuing in one transaction did not complete, issuing step by step: ${error}`,
      );
      return undefined;
    }
    const done = write.stored!;
    await this.issued(done, signed, {
      recorded: !!this.o.inventory,
      claimed: !!this.o.notifier?.claimIssued,
    });
    return done;
  }

  /**
   * Reads back what was delivered for a request in issuing (a cert-manager
   * Certificate, while cert-manager works) and settles it when its strategy
   * can tell; one that was never delivered (an attempt stopped before) is
   * delivered again, under its lease.
   */
  async follow(request: CertificateRequest): Promise<CertificateRequest> {
    const strategy = this.strategyFor(request);
    if (!strategy || request.state !== 'issuing') {
      return request;
    }
    const outcome = await strategy.follow(request, {
      certManagerIssuer: this.o.issuers.getCertManagerIssuer(request.issuer),
    });
    return this.settle(request, outcome);
  }

  /**
   * Resumes requests stuck in issuing (older than `stuckAfterMs`), follows
   * cert-manager requests and issues approved requests (recoverySweep). For
   * the scheduler; returns how many requests it handled.
   */
  resume(options: { stuckAfterMs?: number } = {}): Promise<number> {
    return recoverySweep({
      store: this.o.store,
      issuance: this,
      logger: this.o.logger,
      now: this.now(),
      stuckAfterMs: options.stuckAfterMs ?? 60_000,
    });
  }

  private async complete(
    request: CertificateRequest,
    issued: Issued,
    lease?: HeldLease,
  ): Promise<CertificateRequest> {
    const done = await this.move(
      {
        id: request.id,
        from: ['issuing'],
        to: 'issued',
        patch: {
          chainPem: issued.chainPem,
          serialNumber: issued.serialNumber,
          notAfter: issued.notAfter,
          releaseLeaseOf: lease?.owner,
        },
      },
      {
        action: 'issued',
        outcome: 'success',
        detail: `serial ${issued.serialNumber}`,
      },
    );
    if (!done) {
      return (await this.o.store.get(request.id))!;
    }
    if (lease) lease.settled = true;
    await this.issued(done, issued);
    return done;
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
        .onIssued(issuedRecordOf(done, issued))
        .catch(e =>
          this.o.logger.warn(
            `Recording issued request ${done.id} failed: ${e}`,
          ),
        );
    }
    await this.notify(
      () => this.o.notifier?.requestIssued(done, { claimed: options.claimed }),
      done,
    );
  }

  /** Records the failure, unless `lease` was taken over meanwhile (its new owner settles it). */
  private async fail(
    request: CertificateRequest,
    reason: string,
    lease?: HeldLease,
  ): Promise<CertificateRequest> {
    const failed = await this.move(
      {
        id: request.id,
        from: ['issuing', 'approved'],
        to: 'failed',
        patch: { failureReason: reason, releaseLeaseOf: lease?.owner },
      },
      { action: 'failed', outcome: 'failure', detail: reason },
    );
    if (!failed) {
      return (await this.o.store.get(request.id))!;
    }
    if (lease) lease.settled = true;
    return this.failed(failed, {
      pendingKeyFingerprint: lease?.pendingKeyFingerprint,
    });
  }

  /** After the failed state committed: the pending key goes, the requester is told. */
  private async failed(
    failed: CertificateRequest,
    prepared: Prepared = {},
  ): Promise<CertificateRequest> {
    const strategy = this.strategyFor(failed);
    if (strategy?.discard) {
      // No certificate will ever use what was prepared for it (a pending key).
      await strategy
        .discard(failed, prepared)
        .catch(e =>
          this.o.logger.warn(
            `Removing what was prepared for request ${failed.id} failed: ${e}`,
          ),
        );
    }
    await this.notify(() => this.o.notifier?.requestFailed(failed), failed);
    return failed;
  }

  /** A notification is a courtesy: its failure never changes the outcome. */
  private async notify(
    send: () => Promise<void> | undefined,
    request: CertificateRequest,
  ) {
    try {
      await send();
    } catch (error) {
      this.o.logger.warn(
        `Notifying about request ${request.id} failed: ${error}`,
      );
    }
  }

  /** A state change and its audit record, committed together (auditedTransition). */
  private move(
    move: StateMove,
    entry: IssuerAuditEntry,
    trx?: UnitOfWork,
  ): Promise<CertificateRequest | undefined> {
    return auditedTransition(this.o, move, entry, trx);
  }
}
