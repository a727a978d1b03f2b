import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import {
  auditedTransition,
  IssuerAuditEntry,
  StateMove,
} from './auditedTransition';
import type { DeliveryStrategy, Prepared } from './deliveryPorts';
import type { HeldLease } from './IssuanceLeases';
import {
  Issued,
  IssuanceServiceOptions,
  issuedRecordOf,
} from './issuanceTypes';

export interface IssuanceSettlementOptions {
  service: IssuanceServiceOptions;
  /** The delivery strategy of a request, if its kind has one. */
  strategyFor: (request: CertificateRequest) => DeliveryStrategy | undefined;
}

/**
 * The final steps of IssuanceService: a request's move to issued or failed
 * (each committed with its audit record) and what follows once it committed
 * (inventory link, discarding what was prepared, notification). Kept apart
 * from the flow that decides when to settle, so that the rules a settled
 * request goes through read in one place.
 */
export class IssuanceSettlement {
  static create(options: IssuanceSettlementOptions): IssuanceSettlement {
    return new IssuanceSettlement(options);
  }

  private readonly o: IssuanceServiceOptions;

  private constructor(private readonly options: IssuanceSettlementOptions) {
    this.o = options.service;
  }

  async complete(
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
  async issued(
    done: CertificateRequest,
    issued: Issued,
    options: { recorded?: boolean; claimed?: boolean } = {},
  ): Promise<void> {
    if (!options.recorded) {
      await this.o
        .onIssued(issuedRecordOf(done, issued))
        .catch(e =>
          this.o.logger.warn(
            `Recording issued request ${done.id} failed: ${e}`,
          ),
        );
    }
    await this.notify(
      () => this.o.notifier.requestIssued(done, { claimed: options.claimed }),
      done,
    );
  }

  /** Records the failure, unless `lease` was taken over meanwhile (its new owner settles it). */
  async fail(
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
  async failed(
    failed: CertificateRequest,
    prepared: Prepared = {},
  ): Promise<CertificateRequest> {
    const strategy = this.options.strategyFor(failed);
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
    await this.notify(() => this.o.notifier.requestFailed(failed), failed);
    return failed;
  }

  /** A state change and its audit record, committed together (auditedTransition). */
  move(
    move: StateMove,
    entry: IssuerAuditEntry,
    trx?: UnitOfWork,
  ): Promise<CertificateRequest | undefined> {
    return auditedTransition(this.o, move, entry, trx);
  }

  /** A notification is a courtesy: its failure never changes the outcome. */
  private async notify(send: () => Promise<void>, request: CertificateRequest) {
    try {
      await send();
    } catch (error) {
      this.o.logger.warn(
        `Notifying about request ${request.id} failed: ${error}`,
      );
    }
  }
}
