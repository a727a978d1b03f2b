import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { renewalVerdict } from '../lifecycle/certificateActions';
import { automationVerdict } from './automation';
import { normalizeDnsNames } from '../names/dnsNames';
import { CertificatePolicy } from '../policyTypes';
import {
  CertificateRequestInput,
  IssuerInfo,
  ValidationResult,
  Violation,
} from '../types';
import { approvalVerdict, autoApproval, notOwnerReason } from './approval';
import { deliveryViolations } from './deliveryChecks';
import { nameViolations } from './nameChecks';
import {
  DEFAULT_KEY_ALGORITHMS,
  DEFAULT_MAX_VALIDITY_DAYS,
} from './policyDefaults';
import { expandTemplate, templateContext } from './templates';

export {
  DEFAULT_ALLOWED_NAMESPACES,
  DEFAULT_KEY_ALGORITHMS,
  DEFAULT_MAX_VALIDITY_DAYS,
} from './policyDefaults';
export { entityOwnerRef, isEntityOwnedBy } from './entityOwner';

export interface EvaluationContext {
  /** The policy that applies (from selectPolicy); undefined → denied. */
  policy: CertificatePolicy | undefined;
  entity: Entity;
  issuers: readonly IssuerInfo[];
  /** Names of the configured clusters. */
  clusters: readonly string[];
  /**
   * Whether the requester belongs to the entity's owner (see
   * `isEntityOwnedBy`). Nobody else's request is approved automatically,
   * whatever the policy says (invariant 9).
   */
  requesterIsOwner: boolean;
  /** Who asks (e.g. user:default/carol), named in the reason a non-owner waits. */
  requester?: string;
  /**
   * The subject of the service principal that asks (e.g. external:ci-bot),
   * when a service asks; not set for the plugin's own renewals. Only a
   * policy's `automation` admits a service (see `automationVerdict`).
   */
  service?: string;
  now?: Date;
}

/**
 * The verdict on a renewal of an issued lineage. The lineage was approved
 * once, so the plugin's own automatic renewal and a renewal asked by an owner
 * need no new approval while the policy allows the names (`renewalVerdict`);
 * anyone else's renewal waits for approvers like a new request.
 */
export function renewalSubmissionVerdict(
  result: ValidationResult,
  by: { requesterIsOwner: boolean; automatic: boolean },
): ValidationResult {
  return by.requesterIsOwner || by.automatic ? renewalVerdict(result) : result;
}

/** The DNS names a policy would suggest for an entity (its patterns without wildcards). */
export function suggestDnsNames(
  policy: CertificatePolicy,
  entity: Entity,
): string[] {
  const context = templateContext(entity);
  return normalizeDnsNames(
    policy.allowedDnsNames
      .map(p => expandTemplate(p, context))
      .filter((p): p is string => !!p && !p.includes('*')),
  );
}

/**
 * The verdict on a request: every violation (per field), and for a compliant
 * request whether the policy approves it automatically. The form and the
 * backend both call this, so they agree.
 */
export function evaluateRequest(
  input: CertificateRequestInput,
  context: EvaluationContext,
): ValidationResult {
  const { policy, entity } = context;
  if (!policy) {
    return {
      ok: false,
      violations: [
        {
          field: 'entityRef',
          reason: `No certificate policy applies to ${stringifyEntityRef(
            entity,
          )}${
            input.delivery.kind !== 'csr' && input.delivery.namespace
              ? ` in namespace ${input.delivery.namespace}`
              : ''
          }`,
        },
      ],
    };
  }
  const violations: Violation[] = [];
  const add = (field: string, reason: string) =>
    violations.push({ field, reason });
  const templates = templateContext(entity);

  // Names (DNS, then the other SAN types) by the policy's patterns.
  violations.push(...nameViolations(input, policy, templates));

  const keyAlgorithms = policy.keyAlgorithms ?? DEFAULT_KEY_ALGORITHMS;
  if (!keyAlgorithms.includes(input.keyAlgorithm)) {
    add(
      'keyAlgorithm',
      `${input.keyAlgorithm} is not allowed by policy ${
        policy.name
      } (allowed: ${keyAlgorithms.join(', ')})`,
    );
  }

  const maxValidity = policy.maxValidityDays ?? DEFAULT_MAX_VALIDITY_DAYS;
  if (!Number.isInteger(input.validityDays) || input.validityDays < 1) {
    add(
      'validityDays',
      'the validity must be a whole number of days, at least 1',
    );
  } else if (input.validityDays > maxValidity) {
    add(
      'validityDays',
      `${input.validityDays} days exceeds the maximum of ${maxValidity} days of policy ${policy.name}`,
    );
  }

  // Issuer and delivery target (cluster, namespace, Secret).
  violations.push(
    ...deliveryViolations(input, policy, {
      issuers: context.issuers,
      clusters: context.clusters,
      templates,
    }),
  );

  const automation =
    context.service === undefined
      ? undefined
      : automationVerdict(policy, context.service);
  if (automation && !automation.allowed) {
    add('entityRef', automation.reason);
  }
  if (violations.length) {
    return { ok: false, violations, policyName: policy.name };
  }
  const { autoApprove, pendingReason } = approvalVerdict(
    autoApproval(input, policy),
    automation?.allowed ? automation : undefined,
    () =>
      context.requesterIsOwner
        ? undefined
        : notOwnerReason(entity, context.requester),
  );
  return {
    ok: true,
    violations,
    policyName: policy.name,
    autoApprove,
    pendingReason,
    requesterIsOwner: context.requesterIsOwner,
  };
}
