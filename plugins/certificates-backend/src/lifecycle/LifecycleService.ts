import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CertificateActions,
  CertificateDetails,
  CertificateRequest,
  LifecycleFacts,
  renewalDue,
  RevocationReason,
  certificateActions,
  certificateRenewPermission,
  certificateRevokePermission,
  lineageOf,
  renewalRoute,
  requestLinkVerdict,
  revocationCheck,
} from '@kubecerts/backstage-plugin-certificates-common';
import { runInUnitOfWork } from '../database/unitOfWork';
import { leafFingerprintOf } from '../pki';
import { reissueWithCertManager } from './certManagerReissue';
import {
  LifecycleAuthorizer,
  reissueSubjectOf,
  subjectOf,
} from './LifecycleAuthorizer';
import { LineageLocks } from './LineageLocks';
import { submitRenewal } from './renewalRequest';
import {
  LifecycleCaller,
  LifecycleServiceOptions,
  RenewOutcome,
} from './types';

export type {
  LifecycleCaller,
  LifecycleServiceOptions,
  RenewalSubmitter,
  RenewOutcome,
} from './types';

/** Who asks for automatic renewals, in requests and the audit trail. */
export const AUTOMATIC_RENEWAL_ACTOR = 'plugin:certificates';

/**
 * Renewal and revocation of inventory certificates (DESIGN "Lifecycle"): the
 * rules of what is possible are `certificateActions` in -common; this class
 * reads the facts, checks the caller's permissions, and talks to the issuer,
 * the request store and the cluster.
 *
 * A certificate is a portal request's only when it proves it: it is the
 * certificate the request was issued, at the request's target Secret
 * (requestLinkVerdict; the inventory links rows so, and it is checked again
 * here, where it grants an action). Its renewal and revocation are then
 * decided on the request's entity and owner, never on what the cluster
 * says about the Secret.
 */
export class LifecycleService {
  static create(options: LifecycleServiceOptions): LifecycleService {
    return new LifecycleService(options);
  }

  private readonly auth: LifecycleAuthorizer;
  private readonly lineageLocks = new LineageLocks();

  private constructor(private readonly o: LifecycleServiceOptions) {
    this.auth = new LifecycleAuthorizer(o);
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /**
   * The row's request, when its certificate proves it; a request id it
   * names but does not prove is a claim.
   */
  private async linkOf(row: CertificateDetails): Promise<{
    request?: CertificateRequest;
    unknownRequestId?: string;
    claimedRequestId?: string;
  }> {
    const claimed = { claimedRequestId: row.claimedRequestId };
    if (!row.requestId) return claimed;
    const request = await this.o.requests.get(row.requestId);
    if (!request) return { ...claimed, unknownRequestId: row.requestId };
    const verdict = requestLinkVerdict(row, {
      requestId: request.id,
      delivery: request.delivery,
      leafFingerprintSha256: leafFingerprintOf(
        await this.o.requests.getChainPem(request.id),
      ),
    });
    return verdict.linked ? { request } : { claimedRequestId: request.id };
  }

  private async facts(row: CertificateDetails): Promise<LifecycleFacts> {
    const { request, unknownRequestId, claimedRequestId } = await this.linkOf(
      row,
    );
    const signer = request
      ? this.o.issuers.getSigner(request.issuer)
      : undefined;
    const openRenewal = request
      ? await this.o.requests.findOpenRenewal(lineageOf(request))
      : undefined;
    const newerRequest =
      request && !openRenewal
        ? await this.o.requests.findNewerInLineage(request)
        : undefined;
    return {
      goneAt: row.goneAt,
      request,
      unknownRequestId,
      claimedRequestId,
      certManager: row.certManager
        ? {
            namespace: row.certManager.namespace,
            name: row.certManager.name,
            issuing: row.certManager.issuing?.status === 'True',
          }
        : undefined,
      issuerCanRevoke: typeof signer?.revoke === 'function',
      openRenewal,
      newerRequest,
    };
  }

  /** What the caller may do to a certificate they can read. */
  async actionsFor(
    row: CertificateDetails,
    caller: LifecycleCaller,
  ): Promise<CertificateActions> {
    const facts = await this.facts(row);
    const possible = certificateActions(facts);
    // Most discovered certificates allow neither: no permission to check.
    if (!possible.renew.allowed && !possible.revoke.allowed) return possible;
    const subject = subjectOf(row, facts.request);
    const reissue =
      !facts.request && possible.renew.allowed && !!facts.certManager;
    const [renew, revoke] = await Promise.all([
      this.auth.allows(
        certificateRenewPermission,
        caller.credentials,
        reissue ? reissueSubjectOf(row) : subject,
      ),
      this.auth.allows(
        certificateRevokePermission,
        caller.credentials,
        subject,
      ),
    ]);
    const refuse = (verb: string) => ({
      allowed: false,
      reason: `You may not ${verb} this certificate.`,
    });
    return {
      renew:
        possible.renew.allowed && !renew ? refuse('renew') : possible.renew,
      revoke:
        possible.revoke.allowed && !revoke ? refuse('revoke') : possible.revoke,
    };
  }

  /** Revokes a certificate issued through the portal, at its issuer. */
  async revoke(
    id: string,
    input: { reason: RevocationReason; comment?: string },
    caller: LifecycleCaller,
  ): Promise<CertificateRequest> {
    const reason = input.reason;
    const comment = input.comment?.trim() || undefined;
    const row = await this.auth.readableRow(id, caller.credentials);
    const facts = await this.facts(row);
    if (
      !(await this.auth.allows(
        certificateRevokePermission,
        caller.credentials,
        subjectOf(row, facts.request),
      ))
    ) {
      throw new NotAllowedError('You may not revoke this certificate.');
    }
    const check = revocationCheck(facts);
    if ('reason' in check) throw new ConflictError(check.reason);
    const request = check.request;
    const signer = this.o.issuers.getSigner(request.issuer)!;
    const chainPem = (await this.o.requests.getChainPem(request.id)) ?? '';
    try {
      await signer.revoke!({
        serialNumber: request.serialNumber!,
        chainPem,
        reason,
      });
    } catch (error) {
      await this.o.audit
        .record({
          actor: caller.userEntityRef,
          action: 'revoked',
          requestId: request.id,
          certificateId: row.id,
          entityRef: request.entityRef,
          outcome: 'failure',
          detail: `${reason}: ${error}`,
        })
        .catch(e => this.o.logger.warn(`Audit of a failed revocation: ${e}`));
      throw new ServiceUnavailableError(
        `Issuer ${
          request.issuer
        } could not revoke the certificate, nothing was recorded: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
    // The issuer has revoked it (revoking again is harmless there): the
    // request's record and the audit commit together.
    const at = this.now().toISOString();
    const revoked = await runInUnitOfWork(this.o.knex, async trx => {
      const updated = await this.o.requests.recordRevocation(
        request.id,
        { at, reason: reason as RevocationReason },
        trx,
      );
      if (!updated) return undefined;
      await this.o.audit.record(
        {
          actor: caller.userEntityRef,
          action: 'revoked',
          requestId: request.id,
          certificateId: row.id,
          entityRef: request.entityRef,
          outcome: 'success',
          detail: `serial ${request.serialNumber}, reason ${reason}${
            comment ? `: ${comment}` : ''
          }`,
        },
        trx,
      );
      return updated;
    });
    if (!revoked) {
      throw new ConflictError(
        `Request ${request.id} changed meanwhile; it is no longer an issued, unrevoked certificate.`,
      );
    }
    return revoked;
  }

  /**
   * Renews a certificate: a renewal request with the same names (no new
   * approval while the policy allows it), or, for a certificate that a
   * cert-manager Certificate writes, cert-manager is asked to issue again.
   */
  async renew(id: string, caller: LifecycleCaller): Promise<RenewOutcome> {
    const row = await this.auth.readableRow(id, caller.credentials);
    const current = (await this.linkOf(row)).request;
    if (
      !(await this.auth.allows(
        certificateRenewPermission,
        caller.credentials,
        subjectOf(row, current),
      ))
    ) {
      throw new NotAllowedError('You may not renew this certificate.');
    }
    // One renewal of a lineage at a time here (the facts are read again
    // inside, as they may change while waiting); the database's unique index
    // on open renewals holds across instances.
    return this.lineageLocks.run(
      current ? lineageOf(current) : row.id,
      async () => {
        const decided = renewalRoute(await this.facts(row));
        if ('reason' in decided) throw new ConflictError(decided.reason);
        const route = decided.route;
        if (route.via === 'cert-manager') {
          if (
            !(await this.auth.allows(
              certificateRenewPermission,
              caller.credentials,
              reissueSubjectOf(row),
            ))
          ) {
            throw new NotAllowedError('You may not renew this certificate.');
          }
          await reissueWithCertManager(
            {
              clusters: this.o.clusters,
              audit: this.o.audit,
              now: () => this.now(),
            },
            row,
            route,
            caller,
          );
          return { outcome: 'cert-manager-reissuing' as const };
        }
        const request = await submitRenewal(
          this.o,
          route.request,
          caller,
          row.id,
        );
        return { outcome: 'renewal-requested' as const, request };
      },
    );
  }

  /**
   * Automatic renewal (DESIGN "Lifecycle"): every issued, unrevoked portal
   * request that is the newest of its lineage and past `fraction` of its
   * lifetime gets a renewal request, submitted by `plugin:certificates`
   * with `credentials` (the plugin's own). A lineage gets one renewal at a
   * time: one under way or issued since is left alone. Returns how many were
   * renewed and how many could not be (those are logged and tried again at
   * the next run).
   */
  async renewDue(options: {
    credentials: BackstageCredentials;
    fraction?: number;
  }): Promise<{ renewed: number; failed: number }> {
    const now = this.now();
    const caller = {
      credentials: options.credentials,
      userEntityRef: AUTOMATIC_RENEWAL_ACTOR,
    };
    let renewed = 0;
    let failed = 0;
    const issued = this.o.requests.pagesByState({
      states: ['issued'],
      notRevoked: true,
    });
    for await (const page of issued) {
      for (const request of page) {
        if (
          request.inCluster ||
          !request.notAfter ||
          !renewalDue({
            notAfter: request.notAfter,
            validityDays: request.validityDays,
            now,
            fraction: options.fraction,
          })
        ) {
          continue;
        }
        try {
          const made = await this.lineageLocks.run(
            lineageOf(request),
            async () => {
              if (
                (await this.o.requests.findNewerInLineage(request)) ||
                (await this.o.requests.findOpenRenewal(lineageOf(request)))
              ) {
                return false;
              }
              await submitRenewal(this.o, request, caller);
              return true;
            },
          );
          if (made) renewed++;
        } catch (error) {
          failed++;
          this.o.logger.warn(
            `Automatic renewal of request ${request.id} (${
              request.commonName ?? request.dnsNames[0] ?? ''
            }) failed: ${(error as Error)?.message ?? error}`,
          );
        }
      }
    }
    return { renewed, failed };
  }
}
