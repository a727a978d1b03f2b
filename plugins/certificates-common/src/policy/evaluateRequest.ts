import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { renewalVerdict } from '../lifecycle/certificateActions';
import { automationVerdict } from './automation';
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
} from '../names/kubernetesNames';
import { normalizeDnsNames, validateNames } from '../names/dnsNames';
import { CertificatePolicy } from '../policyTypes';
import {
  CertificateRequestInput,
  DeliveryKind,
  IssuerInfo,
  KeyAlgorithmChoice,
  ValidationResult,
  Violation,
} from '../types';
import {
  expandPatterns,
  expandTemplate,
  matchesPattern,
  templateContext,
  unexpandedPatternsReason,
} from './templates';

export const DEFAULT_KEY_ALGORITHMS: readonly KeyAlgorithmChoice[] = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
];
export const DEFAULT_MAX_VALIDITY_DAYS = 90;
export const DEFAULT_ALLOWED_NAMESPACES: readonly string[] = [
  '{{kubernetes.namespace}}',
];
const ALL_DELIVERIES: readonly DeliveryKind[] = [
  'csr',
  'secret',
  'cert-manager',
];

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
 * The entity's owner as a full ref: `spec.owner` read with the default kind
 * group and the entity's own namespace; undefined when it has no valid
 * owner.
 */
export function entityOwnerRef(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Whether someone with these ownership claims (user info
 * `ownershipEntityRefs`: the user and their groups, full refs) belongs to the
 * entity's owner. Full refs are compared, so a group of the same name in
 * another namespace is not the owner.
 */
export function isEntityOwnedBy(
  ownershipEntityRefs: readonly string[],
  entity: Entity,
): boolean {
  // Entity refs are ASCII: plain lower-casing compares them (the locale-aware
  // one cost more than the rest of the owner check).
  const owner = entityOwnerRef(entity)?.toLowerCase();
  return (
    !!owner && ownershipEntityRefs.some(ref => ref.toLowerCase() === owner)
  );
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

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) {
    return true;
  }
  if (!value.includes(':') || /[^0-9a-fA-F:.]/.test(value)) {
    return false;
  }
  try {
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1 && !/\s/.test(value);
  } catch {
    return false;
  }
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
  // Catalog values fill templates only as literal labels: a pattern whose
  // value is not one allows nothing, and a refusal it causes says why.
  const expand = (patterns: readonly string[]) =>
    expandPatterns(patterns, templates);

  // Names: syntax first, then the policy's patterns.
  const nameViolations = validateNames(input, {
    allowWildcard: !!policy.allowWildcards,
  });
  violations.push(...nameViolations);
  const { patterns, problems: nameTemplateProblems } = expand(
    policy.allowedDnsNames,
  );
  input.dnsNames.forEach((raw, index) => {
    const field = `dnsNames[${index}]`;
    const name = raw.toLowerCase();
    if (nameViolations.some(v => v.field === field)) {
      return;
    }
    if (!patterns.some(p => matchesPattern(name, p))) {
      add(
        field,
        `"${name}" is not allowed by policy ${policy.name} (allowed: ${
          patterns.join(', ') || 'none'
        })${unexpandedPatternsReason(nameTemplateProblems)}`,
      );
    }
  });

  // Other SAN types only where the policy allows them.
  const sanTypes = policy.allowedSanTypes ?? ['dns'];
  const ips = input.ipAddresses ?? [];
  if (ips.length && !sanTypes.includes('ip')) {
    add(
      'ipAddresses',
      `IP address SANs are not allowed by policy ${policy.name}`,
    );
  } else {
    ips.forEach((ip, i) => {
      if (!isIpAddress(ip))
        add(`ipAddresses[${i}]`, `"${ip}" is not an IP address`);
    });
  }
  const uris = input.uris ?? [];
  if (uris.length && !sanTypes.includes('uri')) {
    add('uris', `URI SANs are not allowed by policy ${policy.name}`);
  } else {
    uris.forEach((uri, i) => {
      if (!isUri(uri)) add(`uris[${i}]`, `"${uri}" is not a URI`);
    });
  }

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

  const issuer = context.issuers.find(i => i.id === input.issuer);
  const delivery = input.delivery;
  if (!issuer) {
    add('issuer', `unknown issuer "${input.issuer}"`);
  } else if (
    policy.allowedIssuers &&
    !policy.allowedIssuers.includes(issuer.id)
  ) {
    add(
      'issuer',
      `issuer ${issuer.id} is not allowed by policy ${policy.name}`,
    );
  } else if (!issuer.deliveries.includes(delivery.kind)) {
    add(
      'delivery.kind',
      `issuer ${issuer.id} cannot deliver as ${
        delivery.kind
      } (it supports ${issuer.deliveries.join(', ')})`,
    );
  }

  const deliveries = policy.deliveries ?? ALL_DELIVERIES;
  if (!deliveries.includes(delivery.kind)) {
    add(
      'delivery.kind',
      `delivery ${delivery.kind} is not allowed by policy ${policy.name}`,
    );
  }
  if (delivery.kind === 'csr') {
    if (!delivery.csr || !delivery.csr.trim()) {
      add('delivery.csr', 'a PKCS#10 CSR is required for csr delivery');
    }
    // The certificate is downloaded, never written anywhere: a location
    // would only be stored and shown as if it meant something.
    for (const field of ['cluster', 'namespace', 'secretName'] as const) {
      if (delivery[field] !== undefined) {
        add(
          `delivery.${field}`,
          `csr delivery is downloaded, not written to a cluster: leave out ${field}`,
        );
      }
    }
  } else {
    if (!delivery.cluster) {
      add('delivery.cluster', 'a cluster is required');
    } else if (!context.clusters.includes(delivery.cluster)) {
      add('delivery.cluster', `unknown cluster "${delivery.cluster}"`);
    } else if (
      policy.allowedClusters &&
      !policy.allowedClusters.includes(delivery.cluster)
    ) {
      add(
        'delivery.cluster',
        `cluster ${delivery.cluster} is not allowed by policy ${policy.name}`,
      );
    } else if (issuer?.cluster && issuer.cluster !== delivery.cluster) {
      add(
        'delivery.cluster',
        `issuer ${issuer.id} serves cluster ${issuer.cluster} only`,
      );
    }
    const namespaceProblem = delivery.namespace
      ? dns1123LabelProblem(delivery.namespace)
      : 'is required';
    if (namespaceProblem) {
      add('delivery.namespace', `the namespace ${namespaceProblem}`);
    } else {
      const { patterns: allowed, problems } = expand(
        policy.allowedNamespaces ?? DEFAULT_ALLOWED_NAMESPACES,
      );
      if (!allowed.some(p => matchesPattern(delivery.namespace!, p))) {
        add(
          'delivery.namespace',
          `namespace ${delivery.namespace} is not allowed by policy ${
            policy.name
          } (allowed: ${
            allowed.join(', ') || 'none'
          })${unexpandedPatternsReason(problems)}`,
        );
      }
    }
    const secretProblem = delivery.secretName
      ? dns1123SubdomainProblem(delivery.secretName)
      : 'is required';
    if (secretProblem) {
      add('delivery.secretName', `the Secret name ${secretProblem}`);
    }
  }

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

/**
 * The policy's conditions first; then a service goes by the policy's
 * automation rule, and anyone else must be an owner (invariant 9).
 */
function approvalVerdict(
  byPolicy: { autoApprove: boolean; pendingReason?: string },
  automation: { autoApprove: boolean; pendingReason?: string } | undefined,
  notOwner: () => string | undefined,
): { autoApprove: boolean; pendingReason?: string } {
  if (!byPolicy.autoApprove) return byPolicy;
  if (automation) return automation;
  const reason = notOwner();
  return reason ? { autoApprove: false, pendingReason: reason } : byPolicy;
}

function notOwnerReason(entity: Entity, requester: string | undefined): string {
  const owner = entityOwnerRef(entity);
  return `requested by ${
    requester ?? 'someone'
  }, who is not an owner of ${stringifyEntityRef(entity)} (${
    owner ? `owner ${owner}` : 'it has no owner'
  })`;
}

/** What the policy's own conditions say; the owner rule comes on top. */
function autoApproval(
  input: CertificateRequestInput,
  policy: CertificatePolicy,
): { autoApprove: boolean; pendingReason?: string } {
  const rule = policy.autoApprove;
  if (rule === true) {
    return { autoApprove: true };
  }
  if (!rule) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} requires approval`,
    };
  }
  if (
    rule.maxValidityDays !== undefined &&
    input.validityDays > rule.maxValidityDays
  ) {
    return {
      autoApprove: false,
      pendingReason: `${input.validityDays} days exceeds the ${rule.maxValidityDays} days that policy ${policy.name} approves automatically`,
    };
  }
  if (rule.issuers && !rule.issuers.includes(input.issuer)) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} approves issuer ${input.issuer} only after review`,
    };
  }
  if (rule.deliveries && !rule.deliveries.includes(input.delivery.kind)) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} approves ${input.delivery.kind} delivery only after review`,
    };
  }
  return { autoApprove: true };
}
