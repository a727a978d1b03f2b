import {
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CertificateRequest,
  CertificateRequestInput,
  entityOwnerRef,
  normalizeDnsNames,
  renewalSubmissionVerdict,
  ValidationResult,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import type { AuditEntry, AuditLog } from '../audit';
import { TooManyRequestsError } from './errors';
import type { RequestEvents, RequestIssuancePort } from './ports';
import { NewRequest, RequestStore } from './RequestStore';
import type {
  EntityPolicy,
  RequestValidator,
  Validation,
} from './RequestValidator';

export { RequestValidator } from './RequestValidator';
export type {
  EntityPolicy,
  RequestValidatorOptions,
  Validation,
} from './RequestValidator';

/** Announces a request that waits for approvers (the approvals' RequestNotifier fits). */
export type QueuedRequestNotifier = Pick<
  RequestEvents,
  'requestQueued' | 'requestCancelled'
>;

/**
 * Stores a new request and its audit records: `created`, and `issuing`
 * when it was approved at once (stored in state issuing). With `trx` they
 * commit with it.
 */
export function persistSubmission(
  deps: { store: RequestStore; audit: AuditLog },
  request: NewRequest,
  created: Omit<AuditEntry, 'requestId' | 'entityRef'>,
) {
  return async (trx?: UnitOfWork): Promise<CertificateRequest> => {
    const stored = await deps.store.create(request, trx);
    const about = { requestId: stored.id, entityRef: stored.entityRef };
    await deps.audit.record({ ...created, ...about }, trx);
    if (request.state === 'issuing') {
      await deps.audit.record(
        {
          actor: 'plugin:certificates',
          action: 'issuing',
          outcome: 'success',
          ...about,
        },
        trx,
      );
    }
    return stored;
  };
}

/** Default of `certificates.requests.maxOpenPerUser`. */
export const DEFAULT_MAX_OPEN_PER_USER = 20;

export interface RequestServiceOptions {
  store: RequestStore;
  validator: RequestValidator;
  issuance: RequestIssuancePort;
  audit: AuditLog;
  logger: LoggerService;
  /** Told at once when a submitted request stays pending. */
  notifier: QueuedRequestNotifier;
  /** Ownership claims of a signed-in caller that does not bring them along. */
  userInfo: UserInfoService;
  /** Open (pending, approved, issuing) requests one user may have. Default 20. */
  maxOpenPerUser?: number;
}

/** Who submits: a signed-in user, or the plugin itself for automatic renewals. */
export interface Submitter {
  credentials: BackstageCredentials;
  /** e.g. user:default/alice, or plugin:certificates for automatic renewals. */
  userEntityRef: string;
  /** The user's ownership claims (user info), when already known. */
  ownershipEntityRefs?: string[];
}

/** The plugin's own credentials, which only its automatic renewals submit with. */
function isPluginItself(credentials: BackstageCredentials): boolean {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
  };
  return (
    principal.type === 'service' && principal.subject === 'plugin:certificates'
  );
}

/**
 * The subject of a service principal asking on its own account (a CI job
 * with an external access token, another plugin without a user), which a
 * policy must name in `automation`. The plugin itself is exempt: its
 * automatic renewals repeat what people approved before.
 */
function automationSubject(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
  };
  if (principal.type !== 'service' || isPluginItself(credentials))
    return undefined;
  return principal.subject ?? 'unknown service';
}

/** What the audit trail says of a request when it is created. */
function createdDetail(
  result: ValidationResult,
  policyName: string,
  renewalOf?: string,
): string | undefined {
  if (renewalOf && result.autoApprove) {
    return `renewal of ${renewalOf}, same names: approved by policy ${policyName} without a new approval`;
  }
  if (renewalOf) {
    return `renewal of ${renewalOf}: ${result.pendingReason}`;
  }
  return result.autoApprove
    ? `auto-approved by policy ${policyName}`
    : result.pendingReason;
}

/** Submission and cancellation of certificate requests. */
export class RequestService {
  static create(options: RequestServiceOptions): RequestService {
    return new RequestService(options);
  }

  private constructor(private readonly o: RequestServiceOptions) {}

  /** The verdict on a request as `caller` would submit it; stores nothing. */
  async validate(
    input: CertificateRequestInput,
    caller: Submitter,
    options: { renewalOf?: string } = {},
  ): Promise<Validation> {
    return this.o.validator.validate(
      input,
      caller.credentials,
      {
        userEntityRef: caller.userEntityRef,
        ownershipEntityRefs: await this.claimsOf(caller),
        service: automationSubject(caller.credentials),
      },
      { renewalOf: options.renewalOf },
    );
  }

  describePolicy(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityPolicy> {
    return this.o.validator.describePolicy(entityRef, credentials);
  }

  /**
   * Stores a compliant request: pending, or (auto-approved) issuing at once.
   * Returns the verdict instead when anything is wrong; then nothing is stored.
   * Only the entity's owners are approved automatically (invariant 9); a
   * caller with too many open requests gets a TooManyRequestsError.
   */
  async submit(
    input: CertificateRequestInput,
    caller: Submitter,
    options: {
      /**
       * The request renews an earlier one with the same names (the lineage's
       * first request id): when the policy still allows it, it needs no new
       * approval if an owner asks or the plugin renews automatically.
       */
      renewalOf?: string;
    } = {},
  ): Promise<{ request?: CertificateRequest; result: ValidationResult }> {
    const automatic = !!options.renewalOf && isPluginItself(caller.credentials);
    const validated = await this.validate(input, caller, {
      renewalOf: options.renewalOf,
    });
    const { entity, policy, csrFingerprint } = validated;
    let { result } = validated;
    if (!result.ok || !entity || !policy) {
      return { result };
    }
    const requesterIsOwner = !!result.requesterIsOwner;
    if (options.renewalOf) {
      result = renewalSubmissionVerdict(result, {
        requesterIsOwner,
        automatic,
      });
    }
    // The cap bounds what waits (the approvers' queue, deliveries under
    // way). An auto-approved CSR is issued within this call and never stays
    // open, so it is not counted: the count would be one more round trip,
    // queued behind the issuing batch on SQLite, for every certificate.
    const issuedAtOnce = result.autoApprove && input.delivery.kind === 'csr';
    if (!automatic && !issuedAtOnce)
      await this.checkOpenLimit(caller.userEntityRef);
    const newRequest: NewRequest = {
      entityRef: stringifyEntityRef(entity),
      requester: caller.userEntityRef,
      ownerRef: entityOwnerRef(entity),
      requesterIsOwner,
      policyName: policy.name,
      approvalsRequired: policy.approvals?.required ?? 1,
      approvers: policy.approvals?.approvers ?? [],
      commonName: input.commonName ? input.commonName.toLowerCase() : undefined,
      dnsNames: normalizeDnsNames(input.dnsNames),
      ipAddresses: input.ipAddresses ?? [],
      uris: input.uris ?? [],
      keyAlgorithm: input.keyAlgorithm,
      validityDays: input.validityDays,
      issuer: input.issuer,
      clientAuth: !!input.clientAuth,
      justification: input.justification,
      delivery: {
        kind: input.delivery.kind,
        cluster: input.delivery.cluster,
        namespace: input.delivery.namespace,
        secretName: input.delivery.secretName,
        csrFingerprint,
      },
      csrPem: input.delivery.kind === 'csr' ? input.delivery.csr : undefined,
      renewalOf: options.renewalOf,
      state: result.autoApprove ? 'issuing' : 'pending',
      pendingReason: result.autoApprove ? undefined : result.pendingReason,
    };
    const created = {
      actor: caller.userEntityRef,
      action: 'created' as const,
      outcome: 'success' as const,
      detail: createdDetail(result, policy.name, options.renewalOf),
    };
    const persist = persistSubmission(this.o, newRequest, created);
    if (
      result.autoApprove &&
      input.delivery.kind === 'csr' &&
      input.delivery.csr
    ) {
      const issued = await this.o.issuance.storeAndIssue(
        { request: newRequest, created, csrPem: input.delivery.csr },
        persist,
      );
      if (issued) {
        return { request: issued, result };
      }
    }
    // Stored with its audit records in one transaction: a crash between
    // them would leave a request (in issuing, when auto-approved) unaudited.
    const request = await this.o.store.transaction(trx => persist(trx));
    if (!result.autoApprove) {
      try {
        await this.o.notifier.requestQueued(request);
      } catch (error) {
        // The approvals sweep announces it later; submission succeeded.
        this.o.logger.warn(`Announcing request ${request.id} failed: ${error}`);
      }
      return { request, result };
    }
    return {
      request: await this.o.issuance.issue(request, {
        policyJustChecked: true,
        csrPem: input.delivery.csr,
      }),
      result,
    };
  }

  /**
   * Cancels a pending request of the caller's. `request` is what the caller
   * may read (a request they may not read is answered as missing before).
   */
  async cancel(
    id: string,
    caller: { userEntityRef: string },
    readable?: CertificateRequest,
  ): Promise<CertificateRequest> {
    const request = readable ?? (await this.o.store.get(id));
    if (!request) {
      throw new NotFoundError(`No request ${id}`);
    }
    if (
      request.requester.toLowerCase() !== caller.userEntityRef.toLowerCase()
    ) {
      throw new NotAllowedError('Only the requester can cancel a request');
    }
    const cancelled = await this.o.store.transition(
      id,
      ['pending'],
      'cancelled',
      {},
    );
    if (!cancelled) {
      throw new ConflictError(
        `Request ${id} is ${request.state}; only pending requests can be cancelled`,
      );
    }
    await this.o.audit.record({
      actor: caller.userEntityRef,
      action: 'cancelled',
      requestId: id,
      entityRef: request.entityRef,
      outcome: 'success',
    });
    try {
      await this.o.notifier.requestCancelled(cancelled);
    } catch (error) {
      // The approvers' badges count again on their next signal or reload.
      this.o.logger.warn(`Announcing cancelled request ${id} failed: ${error}`);
    }
    return cancelled;
  }

  /**
   * The caller's ownership claims. Anyone but a signed-in user (a service
   * principal, the plugin itself) owns nothing.
   */
  private async claimsOf(caller: Submitter): Promise<readonly string[]> {
    if ((caller.credentials.principal as { type?: string }).type !== 'user')
      return [];
    if (caller.ownershipEntityRefs) return caller.ownershipEntityRefs;
    return (await this.o.userInfo.getUserInfo(caller.credentials))
      .ownershipEntityRefs;
  }

  /** Refuses a new request from someone with `maxOpenPerUser` open ones already. */
  private async checkOpenLimit(requester: string): Promise<void> {
    const limit = this.o.maxOpenPerUser ?? DEFAULT_MAX_OPEN_PER_USER;
    const open = await this.o.store.countOpen(requester);
    if (open >= limit) {
      throw new TooManyRequestsError(
        `you have ${open} open requests; the limit is ${limit}; cancel one or wait for decisions`,
      );
    }
  }
}
