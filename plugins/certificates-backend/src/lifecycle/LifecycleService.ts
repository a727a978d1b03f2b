import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificateActions,
  CertificateDetails,
  CertificateRequest,
  CertificateRequestInput,
  LifecycleFacts,
  renewalDue,
  RevocationReason,
  certificateActions,
  certificateReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  lineageOf,
  renewalRoute,
  revocationCheck,
} from '@internal/plugin-certificates-common';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { describeFailure } from '../discovery/errors';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import { transformCertificateConditions } from '../inventory/router/certificatePermissions';
import {
  CertificatePermissionFilter,
  InventoryStore,
} from '../inventory/store';
import { RequestStore } from '../requests/RequestStore';

/** Who asks. */
export interface LifecycleCaller {
  credentials: BackstageCredentials;
  userEntityRef: string;
}

/** Answer of a renewal. */
export type RenewOutcome =
  | { outcome: 'renewal-requested'; request: CertificateRequest }
  | { outcome: 'cert-manager-reissuing' };

/** What renewal through a request needs from request submission. */
export interface RenewalSubmitter {
  submit(
    input: CertificateRequestInput,
    caller: LifecycleCaller,
    options: { renewalOf?: string },
  ): Promise<{
    request?: CertificateRequest;
    result: {
      ok: boolean;
      violations: Array<{ field: string; reason: string }>;
    };
  }>;
}

export interface LifecycleServiceOptions {
  knex: Knex;
  inventory: Pick<InventoryStore, 'getCertificate'>;
  requests: Pick<
    RequestStore,
    | 'get'
    | 'getChainPem'
    | 'getCsrPem'
    | 'recordRevocation'
    | 'findOpenRenewal'
    | 'findNewerInLineage'
    | 'pagesByState'
  >;
  issuers: Pick<IssuerRegistry, 'getSigner'>;
  submitter: RenewalSubmitter;
  clusters: ClusterRegistry;
  permissions: PermissionsService;
  audit: AuditLog;
  logger: LoggerService;
  now?: () => Date;
}

type CertificatePermission = typeof certificateReadPermission;

/** Who asks for automatic renewals, in requests and the audit trail. */
export const AUTOMATIC_RENEWAL_ACTOR = 'plugin:certificates';

const CERT_MANAGER = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};

/**
 * Renewal and revocation of inventory certificates (DESIGN "Lifecycle"): the
 * rules of what is possible are `certificateActions` in -common; this class
 * reads the facts, checks the caller's permissions on the row, and talks to
 * the issuer, the request store and the cluster.
 */
export class LifecycleService {
  static create(options: LifecycleServiceOptions): LifecycleService {
    return new LifecycleService(options);
  }

  private constructor(private readonly o: LifecycleServiceOptions) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /**
   * The row, when the caller may read it (else 404: a row the caller cannot
   * see does not exist for them), and whether `permission` allows `caller`
   * to act on this row.
   */
  private async authorize(
    id: string,
    permission: CertificatePermission,
    caller: LifecycleCaller,
    /** The row, when the caller's read permission was already checked. */
    readRow?: CertificateDetails,
  ): Promise<{ row: CertificateDetails; allowed: boolean }> {
    const filterFor = async (
      p: CertificatePermission,
    ): Promise<CertificatePermissionFilter | undefined | false> => {
      const [decision] = await this.o.permissions.authorizeConditional(
        [{ permission: p }],
        { credentials: caller.credentials },
      );
      if (decision.result === AuthorizeResult.DENY) return false;
      return decision.result === AuthorizeResult.CONDITIONAL
        ? transformCertificateConditions(decision.conditions)
        : undefined;
    };
    let row = readRow;
    if (!row) {
      const read = await filterFor(certificateReadPermission);
      row =
        read === false
          ? undefined
          : await this.o.inventory.getCertificate(id, read);
    }
    if (!row) throw new NotFoundError(`No certificate ${id}`);
    const act = await filterFor(permission);
    if (act === false) return { row, allowed: false };
    if (act === undefined) return { row, allowed: true };
    return {
      row,
      allowed: !!(await this.o.inventory.getCertificate(id, act)),
    };
  }

  private async facts(row: CertificateDetails): Promise<LifecycleFacts> {
    const request = row.requestId
      ? await this.o.requests.get(row.requestId)
      : undefined;
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
      unknownRequestId: row.requestId && !request ? row.requestId : undefined,
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
    const possible = certificateActions(await this.facts(row));
    // Most discovered certificates allow neither: no permission to check.
    if (!possible.renew.allowed && !possible.revoke.allowed) return possible;
    const [renew, revoke] = await Promise.all(
      [certificateRenewPermission, certificateRevokePermission].map(
        async p => (await this.authorize(row.id, p, caller, row)).allowed,
      ),
    );
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
    const { row, allowed } = await this.authorize(
      id,
      certificateRevokePermission,
      caller,
    );
    if (!allowed) {
      throw new NotAllowedError('You may not revoke this certificate.');
    }
    const check = revocationCheck(await this.facts(row));
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
    const revoked = await this.o.knex.transaction(async trx => {
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
    const { row, allowed } = await this.authorize(
      id,
      certificateRenewPermission,
      caller,
    );
    if (!allowed) {
      throw new NotAllowedError('You may not renew this certificate.');
    }
    const current = row.requestId
      ? await this.o.requests.get(row.requestId)
      : undefined;
    // One renewal of a lineage at a time here (the facts are read again
    // inside, as they may change while waiting); the database's unique index
    // on open renewals holds across instances.
    return this.withLineageLock(
      current ? lineageOf(current) : row.id,
      async () => {
        const decided = renewalRoute(await this.facts(row));
        if ('reason' in decided) throw new ConflictError(decided.reason);
        const route = decided.route;
        if (route.via === 'cert-manager') {
          await this.reissueWithCertManager(row, route, caller);
          return { outcome: 'cert-manager-reissuing' as const };
        }
        const request = await this.submitRenewal(route.request, caller, row.id);
        return { outcome: 'renewal-requested' as const, request };
      },
    );
  }

  private readonly lineageLocks = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier call for the same lineage has settled. */
  private async withLineageLock<T>(
    lineage: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const before = this.lineageLocks.get(lineage) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.lineageLocks.set(lineage, settled);
    try {
      return await run;
    } finally {
      if (this.lineageLocks.get(lineage) === settled) {
        this.lineageLocks.delete(lineage);
      }
    }
  }

  /**
   * A renewal request for `original` (same entity, names, key type,
   * validity, issuer and delivery; a csr request's own CSR), submitted as
   * `caller`, and its `renewed` audit record.
   */
  private async submitRenewal(
    original: CertificateRequest,
    caller: LifecycleCaller,
    certificateId?: string,
  ): Promise<CertificateRequest> {
    const csr =
      original.delivery.kind === 'csr'
        ? await this.o.requests.getCsrPem(original.id)
        : undefined;
    if (original.delivery.kind === 'csr' && !csr) {
      throw new ConflictError(
        `Request ${original.id} kept no CSR to renew with; submit a new request.`,
      );
    }
    const { request, result } = await this.submitOnce(
      {
        entityRef: original.entityRef,
        commonName: original.commonName,
        dnsNames: original.dnsNames,
        ipAddresses: original.ipAddresses,
        uris: original.uris,
        keyAlgorithm: original.keyAlgorithm,
        validityDays: original.validityDays,
        issuer: original.issuer,
        clientAuth: original.clientAuth,
        justification: `Renewal of ${original.id}`,
        delivery: {
          kind: original.delivery.kind,
          cluster: original.delivery.cluster,
          namespace: original.delivery.namespace,
          secretName: original.delivery.secretName,
          csr,
        },
      },
      caller,
      { renewalOf: lineageOf(original) },
    );
    if (!request) {
      throw new ConflictError(
        `The policy no longer allows this certificate, renew it with a new request: ${result.violations
          .map(v => `${v.field}: ${v.reason}`)
          .join('; ')}`,
      );
    }
    await this.o.audit.record({
      actor: caller.userEntityRef,
      action: 'renewed',
      requestId: original.id,
      certificateId: certificateId ?? original.certificateId,
      entityRef: original.entityRef,
      outcome: 'success',
      detail: `renewal request ${request.id} (${request.state})`,
    });
    return request;
  }

  /** Submission, with a second open renewal of a lineage (the database's unique index) as a 409. */
  private async submitOnce(
    ...args: Parameters<RenewalSubmitter['submit']>
  ): ReturnType<RenewalSubmitter['submit']> {
    try {
      return await this.o.submitter.submit(...args);
    } catch (error) {
      const code = (error as { code?: string })?.code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(
          'A renewal of this certificate is already under way.',
        );
      }
      throw error;
    }
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
          const made = await this.withLineageLock(
            lineageOf(request),
            async () => {
              if (
                (await this.o.requests.findNewerInLineage(request)) ||
                (await this.o.requests.findOpenRenewal(lineageOf(request)))
              ) {
                return false;
              }
              await this.submitRenewal(request, caller);
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

  /**
   * As `cmctl renew` does: the Certificate gets the Issuing condition
   * (reason ManuallyTriggered) through its status subresource, guarded by
   * its resourceVersion; cert-manager then issues a new certificate.
   */
  private async reissueWithCertManager(
    row: CertificateDetails,
    target: { namespace: string; name: string },
    caller: LifecycleCaller,
  ) {
    const cluster = this.o.clusters.get(row.cluster);
    const where = `Certificate ${target.namespace}/${target.name} in cluster ${row.cluster}`;
    if (!cluster)
      throw new ConflictError(`Cluster ${row.cluster} is not configured.`);
    const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    for (let attempt = 0; attempt < 3; attempt++) {
      let current: any;
      try {
        current = await api.getNamespacedCustomObject({
          ...CERT_MANAGER,
          namespace: target.namespace,
          name: target.name,
        });
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.code === 404)
          throw new ConflictError(`${where} no longer exists.`);
        throw new ServiceUnavailableError(
          `Could not read ${where}: ${failure.reason}`,
        );
      }
      const conditions: any[] = current.status?.conditions ?? [];
      if (conditions.some(c => c.type === 'Issuing' && c.status === 'True')) {
        throw new ConflictError(`cert-manager is already issuing ${where}.`);
      }
      const condition = {
        type: 'Issuing',
        status: 'True',
        reason: 'ManuallyTriggered',
        message: `Certificate re-issuance manually triggered by ${caller.userEntityRef} in Backstage`,
        lastTransitionTime: this.now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      };
      const others = conditions.filter(c => c.type !== 'Issuing');
      const patch = [
        {
          op: 'test',
          path: '/metadata/resourceVersion',
          value: current.metadata.resourceVersion,
        },
        current.status
          ? {
              op: current.status.conditions ? 'replace' : 'add',
              path: '/status/conditions',
              value: [...others, condition],
            }
          : { op: 'add', path: '/status', value: { conditions: [condition] } },
      ];
      try {
        await api.patchNamespacedCustomObjectStatus(
          {
            ...CERT_MANAGER,
            namespace: target.namespace,
            name: target.name,
            body: patch,
          },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        );
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.code === 409 || failure.code === 422) continue;
        if (failure.code === 403) {
          throw new NotAllowedError(
            `Cluster ${row.cluster} refused to update ${where}: the backend's service account needs 'patch' on certificates/status (see "Renewal and revocation" in the certificates backend README).`,
          );
        }
        throw new ServiceUnavailableError(
          `Could not update ${where}: ${failure.reason}`,
        );
      }
      await this.o.audit.record({
        actor: caller.userEntityRef,
        action: 'renewed',
        certificateId: row.id,
        entityRef: row.entityRef,
        outcome: 'success',
        detail: `${where}: Issuing condition set`,
      });
      return;
    }
    throw new ConflictError(`${where} kept changing; try again.`);
  }
}
