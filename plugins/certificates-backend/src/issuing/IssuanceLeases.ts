import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CertificateRequest,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { RequestStore } from '../requests/RequestStore';

/** The lease this instance holds on one request's issuance. */
export interface HeldLease {
  readonly owner: string;
  readonly requestId: string;
  /** What the CA signed for the request in an earlier attempt, if recorded. */
  readonly signedFingerprint?: string;
  /**
   * The public key fingerprint of the pending key generated for the
   * request, if recorded (updated when this attempt records one).
   */
  pendingKeyFingerprint?: string;
  /** Set once a transition settled the request and released the lease with it. */
  settled: boolean;
  /** Set once a renewal found the lease taken over by another owner. */
  lost: boolean;
}

export interface IssuanceLeasesOptions {
  store: RequestStore;
  logger: LoggerService;
  now: () => Date;
  /** How long a lease lasts unless renewed; renewed every third of it. */
  leaseMs: number;
}

/**
 * One lease per issuance, in the request's row: taken by compare-and-set
 * before the CA is called, renewed while the work goes on, released with
 * the request's outcome (or at the end). Another instance, or the recovery
 * sweep, may take a request over only once its lease expired, i.e. its
 * owner stopped renewing it (it died or stalled); an owner whose lease was
 * taken over can no longer settle the request.
 */
export class IssuanceLeases {
  /** This instance's id, unique across instances and restarts. */
  readonly owner = `${os.hostname()}/${process.pid}/${randomUUID()}`.slice(
    -128,
  );

  static create(options: IssuanceLeasesOptions): IssuanceLeases {
    return new IssuanceLeases(options);
  }

  private constructor(private readonly o: IssuanceLeasesOptions) {}

  /**
   * Takes the lease of a request in one of `states`; undefined when the
   * request is in another state or another owner's lease has not expired.
   */
  async take(
    requestId: string,
    states: RequestState[],
  ): Promise<{ request: CertificateRequest; lease: HeldLease } | undefined> {
    const now = this.o.now();
    const taken = await this.o.store.acquireLease(
      requestId,
      { owner: this.owner, expiresAt: this.expiryFrom(now) },
      { states, now: now.toISOString() },
    );
    if (!taken) {
      return undefined;
    }
    return {
      request: taken.request,
      lease: {
        owner: this.owner,
        requestId,
        signedFingerprint: taken.signedFingerprint,
        pendingKeyFingerprint: taken.pendingKeyFingerprint,
        settled: false,
        lost: false,
      },
    };
  }

  /**
   * Runs `work` under `lease`: renews it while `work` runs, and releases it
   * afterwards unless a transition already settled the request.
   */
  async hold<T>(lease: HeldLease, work: () => Promise<T>): Promise<T> {
    const renewing = setInterval(
      () => void this.renew(lease),
      Math.max(1, this.o.leaseMs / 3),
    );
    renewing.unref?.();
    try {
      return await work();
    } finally {
      clearInterval(renewing);
      if (!lease.settled) {
        await this.o.store
          .releaseLease(lease.requestId, lease.owner)
          .catch(e =>
            this.o.logger.warn(
              `Releasing the issuance lease of request ${lease.requestId} failed: ${e}`,
            ),
          );
      }
    }
  }

  private expiryFrom(now: Date): string {
    return new Date(now.getTime() + this.o.leaseMs).toISOString();
  }

  private async renew(lease: HeldLease): Promise<void> {
    if (lease.settled || lease.lost) return;
    try {
      const held = await this.o.store.renewLease(lease.requestId, {
        owner: lease.owner,
        expiresAt: this.expiryFrom(this.o.now()),
      });
      if (!held && !lease.settled) {
        lease.lost = true;
        this.o.logger.warn(
          `The issuance lease of request ${lease.requestId} was taken over; this instance will not settle it`,
        );
      }
    } catch (error) {
      // The next renewal tries again; past the expiry another instance may take over.
      this.o.logger.warn(
        `Renewing the issuance lease of request ${lease.requestId} failed: ${error}`,
      );
    }
  }
}
