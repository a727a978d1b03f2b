import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CertificatePolicy,
  CertificateRequest,
  CertificateRequestInput,
  evaluateRequest,
  IssuerInfo,
  normalizeDnsNames,
  renewalVerdict,
  selectPolicy,
  suggestDnsNames,
  ValidationResult,
} from '@internal/plugin-certificates-common';
import { Knex } from 'knex';
import type { AuditLog } from '../audit';
import type { IssuanceService } from '../issuing/IssuanceService';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import { checkCsr } from './csrChecks';
import { NewRequest, RequestStore } from './RequestStore';

export interface RequestValidatorOptions {
  issuers: IssuerRegistry;
  catalog: CatalogService;
  auth: AuthService;
  policies: CertificatePolicy[];
  /** Names of the configured clusters. */
  clusterNames: () => string[];
}

/** Announces a request that waits for approvers (the approvals' RequestNotifier fits). */
export interface QueuedRequestNotifier {
  requestQueued(request: CertificateRequest): Promise<void>;
}

export interface RequestServiceOptions {
  store: RequestStore;
  validator: RequestValidator;
  issuance: IssuanceService;
  audit?: AuditLog;
  logger: LoggerService;
  /** Told at once when a submitted request stays pending. */
  notifier?: QueuedRequestNotifier;
}

export interface Validation {
  result: ValidationResult;
  entity?: Entity;
  policy?: CertificatePolicy;
  csrFingerprint?: string;
}

/** The policy that applies to an entity and what it allows (GET /policy). */
export interface EntityPolicy {
  /** Null when no policy applies; `reason` then says why. */
  policy: CertificatePolicy | null;
  reason?: string;
  issuers: IssuerInfo[];
  clusters: string[];
  suggestedDnsNames: string[];
}

/** Reads `certificates.policies` as written in config. */
export function readPolicies(config: Config): CertificatePolicy[] {
  return (config.getOptional<CertificatePolicy[]>('certificates.policies') ?? []).map(p => ({
    ...p,
    allowedDnsNames: p.allowedDnsNames ?? [],
  }));
}

function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }),
    );
  } catch {
    return undefined;
  }
}

/** The full verdict on a request: names, policy, CSR. Stores nothing. */
export class RequestValidator {
  static create(options: RequestValidatorOptions): RequestValidator {
    return new RequestValidator(options);
  }

  private constructor(private readonly o: RequestValidatorOptions) {}

  /** The full verdict (names, policy, CSR) without storing anything. */
  async validate(
    input: CertificateRequestInput,
    credentials: BackstageCredentials,
  ): Promise<Validation> {
    const entity = await this.o.catalog
      .getEntityByRef(input.entityRef, { credentials })
      .catch(() => undefined);
    if (!entity) {
      return {
        result: {
          ok: false,
          violations: [{ field: 'entityRef', reason: `entity ${input.entityRef} was not found` }],
        },
      };
    }
    const policy = selectPolicy(this.o.policies, entity, {
      deliveryNamespace: input.delivery.namespace,
    });
    const result = evaluateRequest(input, {
      policy,
      entity,
      issuers: await this.o.issuers.list(),
      clusters: this.o.clusterNames(),
    });
    let csrFingerprint: string | undefined;
    if (policy && input.delivery.kind === 'csr' && input.delivery.csr) {
      const csr = await checkCsr(input.delivery.csr, input);
      csrFingerprint = csr.fingerprint;
      if (csr.violations.length) {
        result.violations.push(...csr.violations);
        result.ok = false;
        delete result.autoApprove;
        delete result.pendingReason;
      }
    }
    return { result, entity, policy, csrFingerprint };
  }

  /**
   * The policy that applies to an entity, with the issuers and clusters it
   * allows, for the request form. Throws InputError for a malformed ref and
   * NotFoundError when the caller cannot see the entity.
   */
  async describePolicy(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityPolicy> {
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(entityRef, { defaultNamespace: 'default' });
    } catch (error) {
      throw new InputError(`Malformed entityRef "${entityRef}": ${error}`);
    }
    const entity = await this.o.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`Entity ${stringifyEntityRef(ref)} was not found`);
    }
    const policy = selectPolicy(this.o.policies, entity);
    if (!policy) {
      return {
        policy: null,
        reason: `no policy applies to ${stringifyEntityRef(entity)}`,
        issuers: [],
        clusters: [],
        suggestedDnsNames: [],
      };
    }
    const issuers = (await this.o.issuers.list()).filter(
      i => !policy.allowedIssuers || policy.allowedIssuers.includes(i.id),
    );
    const clusters = this.o
      .clusterNames()
      .filter(c => !policy.allowedClusters || policy.allowedClusters.includes(c));
    return {
      policy,
      issuers,
      clusters,
      suggestedDnsNames: suggestDnsNames(policy, entity),
    };
  }

  /** Policy evaluated again at issuance time, with the plugin's own credentials. */
  recheck = async (request: CertificateRequest, csrPem?: string): Promise<string | undefined> => {
    const credentials = await this.o.auth.getOwnServiceCredentials();
    const { result } = await this.validate(
      {
        entityRef: request.entityRef,
        commonName: request.commonName,
        dnsNames: request.dnsNames,
        ipAddresses: request.ipAddresses,
        uris: request.uris,
        keyAlgorithm: request.keyAlgorithm,
        validityDays: request.validityDays,
        issuer: request.issuer,
        clientAuth: request.clientAuth,
        delivery: { ...request.delivery, csr: csrPem },
      },
      credentials,
    );
    return result.ok ? undefined : result.violations.map(v => `${v.field}: ${v.reason}`).join('; ');
  };
}

/** What the audit trail says of a request when it is created. */
function createdDetail(
  result: ValidationResult,
  policyName: string,
  renewalOf?: string,
): string | undefined {
  if (renewalOf) {
    return `renewal of ${renewalOf}, same names: approved by policy ${policyName} without a new approval`;
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

  validate(input: CertificateRequestInput, credentials: BackstageCredentials): Promise<Validation> {
    return this.o.validator.validate(input, credentials);
  }

  describePolicy(entityRef: string, credentials: BackstageCredentials): Promise<EntityPolicy> {
    return this.o.validator.describePolicy(entityRef, credentials);
  }

  /**
   * Stores a compliant request: pending, or (auto-approved) issuing at once.
   * Returns the verdict instead when anything is wrong; then nothing is stored.
   */
  async submit(
    input: CertificateRequestInput,
    caller: { credentials: BackstageCredentials; userEntityRef: string },
    options: {
      /**
       * The request renews an earlier one with the same names (the lineage's
       * first request id): when the policy still allows it, it needs no new
       * approval.
       */
      renewalOf?: string;
    } = {},
  ): Promise<{ request?: CertificateRequest; result: ValidationResult }> {
    const validated = await this.o.validator.validate(input, caller.credentials);
    const { entity, policy, csrFingerprint } = validated;
    let { result } = validated;
    if (!result.ok || !entity || !policy) {
      return { result };
    }
    if (options.renewalOf) result = renewalVerdict(result);
    const newRequest: NewRequest = {
      entityRef: stringifyEntityRef(entity),
      requester: caller.userEntityRef,
      ownerRef: ownerRefOf(entity),
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
    // The request and its audit records; with `trx` they commit with it.
    const persist = async (trx?: Knex.Transaction) => {
      const stored = await this.o.store.create(newRequest, trx);
      const about = { requestId: stored.id, entityRef: stored.entityRef };
      await this.o.audit?.record({ ...created, ...about }, trx);
      if (result.autoApprove) {
        await this.o.audit?.record(
          { actor: 'plugin:certificates', action: 'issuing', outcome: 'success', ...about },
          trx,
        );
      }
      return stored;
    };
    if (result.autoApprove && input.delivery.kind === 'csr' && input.delivery.csr) {
      const issued = await this.o.issuance.storeAndIssue(
        { request: newRequest, created, csrPem: input.delivery.csr },
        persist,
      );
      if (issued) {
        return { request: issued, result };
      }
    }
    const request = await persist();
    if (!result.autoApprove) {
      try {
        await this.o.notifier?.requestQueued(request);
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

  async cancel(id: string, caller: { userEntityRef: string }): Promise<CertificateRequest> {
    const request = await this.o.store.get(id);
    if (!request) {
      throw new NotFoundError(`No request ${id}`);
    }
    if (request.requester.toLowerCase() !== caller.userEntityRef.toLowerCase()) {
      throw new NotAllowedError('Only the requester can cancel a request');
    }
    const cancelled = await this.o.store.transition(id, ['pending'], 'cancelled', {});
    if (!cancelled) {
      throw new ConflictError(`Request ${id} is ${request.state}; only pending requests can be cancelled`);
    }
    await this.o.audit?.record({
      actor: caller.userEntityRef,
      action: 'cancelled',
      requestId: id,
      entityRef: request.entityRef,
      outcome: 'success',
    });
    return cancelled;
  }
}
