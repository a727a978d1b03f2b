import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
} from '../names/kubernetesNames';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput, IssuerInfo, Violation } from '../types';
import { ALL_DELIVERIES, DEFAULT_ALLOWED_NAMESPACES } from './policyDefaults';
import {
  TemplateContext,
  expandPatterns,
  matchesPattern,
  unexpandedPatternsReason,
} from './templates';

/**
 * The violations of a request's issuer and delivery: the issuer must exist,
 * be allowed and deliver that way; the delivery must be allowed, and a
 * delivery to a cluster needs an allowed cluster, namespace and Secret name.
 */
export function deliveryViolations(
  input: CertificateRequestInput,
  policy: CertificatePolicy,
  target: {
    issuers: readonly IssuerInfo[];
    clusters: readonly string[];
    templates: TemplateContext;
  },
): Violation[] {
  const violations: Violation[] = [];
  const add = (field: string, reason: string) =>
    violations.push({ field, reason });
  // An absent list allows every value; a listed one allows only its values.
  const outside = (allowed: readonly string[] | undefined, value: string) =>
    !!allowed && !allowed.includes(value);
  const notAllowed = (what: string, value: string) =>
    `${what} ${value} is not allowed by policy ${policy.name}`;

  const issuer = target.issuers.find(i => i.id === input.issuer);
  const delivery = input.delivery;
  if (!issuer) {
    add('issuer', `unknown issuer "${input.issuer}"`);
  } else if (outside(policy.allowedIssuers, issuer.id)) {
    add('issuer', notAllowed('issuer', issuer.id));
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
    add('delivery.kind', notAllowed('delivery', delivery.kind));
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
    } else if (!target.clusters.includes(delivery.cluster)) {
      add('delivery.cluster', `unknown cluster "${delivery.cluster}"`);
    } else if (outside(policy.allowedClusters, delivery.cluster)) {
      add('delivery.cluster', notAllowed('cluster', delivery.cluster));
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
      // Catalog values fill templates only as literal labels: a pattern whose
      // value is not one allows nothing, and a refusal it causes says why.
      const { patterns: allowed, problems } = expandPatterns(
        policy.allowedNamespaces ?? DEFAULT_ALLOWED_NAMESPACES,
        target.templates,
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
  return violations;
}
