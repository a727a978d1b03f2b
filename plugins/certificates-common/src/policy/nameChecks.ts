import { validateNames } from '../names/dnsNames';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput, Violation } from '../types';
import {
  TemplateContext,
  expandPatterns,
  matchesPattern,
  unexpandedPatternsReason,
} from './templates';

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

/**
 * The violations of a request's names: the DNS names (syntax first, then the
 * policy's patterns), then the other SAN types, only where the policy allows
 * them.
 */
export function nameViolations(
  input: CertificateRequestInput,
  policy: CertificatePolicy,
  templates: TemplateContext,
): Violation[] {
  const violations: Violation[] = [];
  const add = (field: string, reason: string) =>
    violations.push({ field, reason });

  // Names: syntax first, then the policy's patterns.
  const syntaxViolations = validateNames(input, {
    allowWildcard: !!policy.allowWildcards,
  });
  violations.push(...syntaxViolations);
  // Catalog values fill templates only as literal labels: a pattern whose
  // value is not one allows nothing, and a refusal it causes says why.
  const { patterns, problems: nameTemplateProblems } = expandPatterns(
    policy.allowedDnsNames,
    templates,
  );
  input.dnsNames.forEach((raw, index) => {
    const field = `dnsNames[${index}]`;
    const name = raw.toLowerCase();
    if (syntaxViolations.some(v => v.field === field)) {
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
  return violations;
}
