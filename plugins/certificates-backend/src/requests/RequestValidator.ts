import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  deliveryOf,
  CertificatePolicy,
  CertificateRequest,
  CertificateRequestInput,
  DeliveringRequest,
  EntityPolicy,
  evaluateRequest,
  isEntityOwnedBy,
  selectPolicy,
  suggestDnsNames,
  ValidationResult,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import { checkCsr } from './csrChecks';
import type { IssuerCatalog } from './ports';

export interface RequestValidatorOptions {
  issuers: IssuerCatalog;
  catalog: CatalogService;
  auth: AuthService;
  policies: CertificatePolicy[];
  /** Names of the configured clusters. */
  clusterNames: () => string[];
  /**
   * Reads the delivery target in its cluster (KubernetesDelivery.targets):
   * a Secret the portal did not create, or another's cert-manager
   * Certificate writing it, is a violation at submission already.
   */
  deliveryTarget: {
    violations(request: DeliveringRequest): Promise<Violation[]>;
  };
}

export interface Validation {
  result: ValidationResult;
  entity?: Entity;
  policy?: CertificatePolicy;
  csrFingerprint?: string;
}

/** Who asks, as far as the verdict depends on it. */
export interface Requester {
  /** e.g. user:default/carol, named in the reason a non-owner waits. */
  userEntityRef?: string;
  /**
   * The requester's ownership claims (user info `ownershipEntityRefs`);
   * empty for anyone who is not a signed-in user.
   */
  ownershipEntityRefs: readonly string[];
  /**
   * The subject of a service principal asking on its own account, which a
   * policy must name in `automation`; unset for users and the plugin itself.
   */
  service?: string;
}

export type { EntityPolicy };

/** The full verdict on a request: names, policy, CSR, owner rule. Stores nothing. */
export class RequestValidator {
  static create(options: RequestValidatorOptions): RequestValidator {
    return new RequestValidator(options);
  }

  private constructor(private readonly o: RequestValidatorOptions) {}

  /** The full verdict (names, policy, CSR, owner rule) without storing anything. */
  async validate(
    input: CertificateRequestInput,
    credentials: BackstageCredentials,
    requester: Requester = { ownershipEntityRefs: [] },
    target: { renewalOf?: string; skipClusterCheck?: boolean } = {},
  ): Promise<Validation> {
    const entity = await this.o.catalog
      .getEntityByRef(input.entityRef, { credentials })
      .catch(() => undefined);
    if (!entity) {
      return {
        result: {
          ok: false,
          violations: [
            {
              field: 'entityRef',
              reason: `entity ${input.entityRef} was not found`,
            },
          ],
        },
      };
    }
    // A csr certificate goes nowhere, so a namespace it names is no reason
    // to pick one policy over another.
    const policy = selectPolicy(this.o.policies, entity, {
      deliveryNamespace:
        input.delivery.kind === 'csr' ? undefined : input.delivery.namespace,
    });
    const result = evaluateRequest(input, {
      policy,
      entity,
      issuers: await this.o.issuers.list(),
      clusters: this.o.clusterNames(),
      requesterIsOwner: isEntityOwnedBy(requester.ownershipEntityRefs, entity),
      requester: requester.userEntityRef,
      service: requester.service,
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
    const deliveryOk = !result.violations.some(v =>
      v.field.startsWith('delivery'),
    );
    if (policy && deliveryOk && !target.skipClusterCheck) {
      const { renewalOf } = target;
      const taken = await this.o.deliveryTarget.violations({
        entityRef: stringifyEntityRef(entity),
        renewalOf,
        delivery: input.delivery,
      });
      if (taken.length) {
        result.violations.push(...taken);
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
      throw new NotFoundError(
        `Entity ${stringifyEntityRef(ref)} was not found`,
      );
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
      .filter(
        c => !policy.allowedClusters || policy.allowedClusters.includes(c),
      );
    return {
      policy,
      issuers,
      clusters,
      suggestedDnsNames: suggestDnsNames(policy, entity),
    };
  }

  /** Policy evaluated again at issuance time, with the plugin's own credentials. */
  recheck = async (
    request: CertificateRequest,
    csrPem?: string,
  ): Promise<string | undefined> => {
    const credentials = await this.o.auth.getOwnServiceCredentials();
    // Only violations count here: who may skip approval was decided at submission.
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
        delivery: deliveryOf(request.delivery, csrPem),
      },
      credentials,
      undefined,
      // Delivery checks its target itself, right before writing (409).
      { skipClusterCheck: true },
    );
    return result.ok
      ? undefined
      : result.violations.map(v => `${v.field}: ${v.reason}`).join('; ');
  };
}
