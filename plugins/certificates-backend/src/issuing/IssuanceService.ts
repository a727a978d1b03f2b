import { ConflictError, NotFoundError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import { newRequestId } from '../requests/requestId';
import { CsrDelivery } from './CsrDelivery';
import { deliveryContext, unavailableDelivery } from './deliveryContext';
import type {
  DeliveryOutcome,
  DeliveryStrategies,
  DeliveryStrategy,
} from './deliveryPorts';
import { HeldLease, IssuanceLeases } from './IssuanceLeases';
import { IssuanceSettlement } from './IssuanceSettlement';
import { recoverySweep } from './recoverySweep';
import { IssuedBatch } from './IssuedBatch';
import {
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
  private readonly settlement: IssuanceSettlement;

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
    this.settlement = IssuanceSettlement.create({
      service: o,
      strategyFor: request => this.strategyFor(request),
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
          const moved = await this.settlement.move(
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
        : await this.o.recheck(request, csrPem);
      if (reason) {
        return this.settlement.fail(
          request,
          `No longer allowed by policy: ${reason}`,
          lease,
        );
      }
      const strategy = this.strategyFor(request);
      if (!strategy) {
        return this.settlement.fail(
          request,
          unavailableDelivery(request),
          lease,
        );
      }
      const context = deliveryContext(this.o, { request, lease, csrPem });
      const outcome = await strategy.deliver(request, context);
      return this.settle(request, outcome, lease);
    } catch (error) {
      this.o.logger.warn(`Issuing request ${request.id} failed: ${error}`);
      if (error instanceof ConflictError) options.onConflict?.(error);
      return this.settlement.fail(request, messageOf(error), lease);
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
        return this.settlement.complete(request, outcome.certificate, lease);
      case 'failed':
        return this.settlement.fail(request, outcome.reason, lease);
      case 'undelivered':
        // Under a lease this attempt just delivered: not finding it is a failure.
        return lease
          ? this.settlement.fail(request, outcome.reason, lease)
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
        const moved = await this.settlement.move(
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
      return this.settlement.failed(failed);
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
    await this.settlement.issued(done, signed, {
      // The batch wrote the inventory row in its commit.
      recorded: true,
      claimed: !!this.o.notifier.claimIssued,
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
}
