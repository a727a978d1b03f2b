import { Violation } from '../types';
import { decodePunycode } from './punycode';

export const MAX_DNS_NAMES = 100;
export const MAX_COMMON_NAME_BYTES = 64;

export interface DnsNameOptions {
  /** Whether a wildcard (`*` as the whole leftmost label) is acceptable. */
  allowWildcard?: boolean;
}

const LABEL = /^[a-z0-9-]+$/;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

function labelProblem(label: string): string | undefined {
  if (label.length > 63) {
    return `label "${label}" is longer than 63 characters`;
  }
  if (!LABEL.test(label)) {
    return `label "${label}" may only contain a-z, 0-9 and -`;
  }
  if (label.startsWith('-') || label.endsWith('-')) {
    return `label "${label}" must not start or end with -`;
  }
  if (label.slice(2, 4) === '--') {
    if (!label.startsWith('xn--')) {
      return `label "${label}" has -- in positions 3 and 4 but is not an xn-- label`;
    }
    const decoded = decodePunycode(label.slice(4));
    if (
      decoded === undefined ||
      isAscii(decoded) ||
      /[^\x80-\u{10ffff}a-z0-9-]/u.test(decoded)
    ) {
      return `label "${label}" is not valid punycode`;
    }
    if (!roundTrips(label, decoded)) {
      return `label "${label}" is not the canonical punycode (IDNA) form of "${decoded}"`;
    }
  }
  return undefined;
}

/**
 * Whether the Unicode label encodes back (IDNA, as browsers map host names)
 * to exactly this A-label. One that does not would name a host no browser
 * asks for, or two spellings of one name would pass policy differently.
 */
function roundTrips(label: string, decoded: string): boolean {
  try {
    return new URL(`http://${decoded}/`).hostname === label;
  } catch {
    return false;
  }
}

/**
 * Why a DNS name is not acceptable in a certificate (RFC 1123 host names as
 * used in SANs), or undefined when it is. Expects the lower-case form.
 */
export function dnsNameProblem(
  name: string,
  options: DnsNameOptions = {},
): string | undefined {
  if (!name) {
    return 'is empty';
  }
  if (!isAscii(name)) {
    return 'contains non-ASCII characters: use the xn-- (punycode) form';
  }
  if (name !== name.toLowerCase()) {
    return 'must be lower-case';
  }
  if (name.endsWith('.')) {
    return 'must not end with a dot';
  }
  if (name.length > 253) {
    return 'is longer than 253 characters';
  }
  const labels = name.split('.');
  if (labels.some(l => l === '')) {
    return 'has an empty label';
  }
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index];
    if (label.includes('*')) {
      if (label !== '*' || index !== 0) {
        return 'a wildcard must be the whole leftmost label, once';
      }
      if (!options.allowWildcard) {
        return 'wildcard names are not allowed';
      }
      if (labels.length < 3) {
        return 'a wildcard needs at least two labels after it';
      }
      continue;
    }
    const problem = labelProblem(label);
    if (problem) {
      return problem;
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) {
    return 'the last label must not be all digits';
  }
  return undefined;
}

/** Lower-cases and de-duplicates, keeping the first occurrence's order. */
export function normalizeDnsNames(names: readonly string[]): string[] {
  return [...new Set(names.map(n => n.toLowerCase()))];
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Checks the names of a request: each DNS name (lower-cased first), their
 * number, and the common name (≤ 64 bytes, one of the DNS names).
 */
export function validateNames(
  input: { commonName?: string; dnsNames: readonly string[] },
  options: DnsNameOptions & { maxNames?: number } = {},
): Violation[] {
  const violations: Violation[] = [];
  const maxNames = options.maxNames ?? MAX_DNS_NAMES;
  if (input.dnsNames.length === 0) {
    violations.push({ field: 'dnsNames', reason: 'at least one DNS name is required' });
  }
  const normalized = normalizeDnsNames(input.dnsNames);
  if (normalized.length > maxNames) {
    violations.push({
      field: 'dnsNames',
      reason: `at most ${maxNames} DNS names are allowed, got ${normalized.length}`,
    });
  }
  input.dnsNames.forEach((name, index) => {
    const problem = dnsNameProblem(name.toLowerCase(), options);
    if (problem) {
      violations.push({ field: `dnsNames[${index}]`, reason: `"${name}" ${problem}` });
    }
  });
  if (input.commonName !== undefined && input.commonName !== '') {
    if (utf8Length(input.commonName) > MAX_COMMON_NAME_BYTES) {
      violations.push({
        field: 'commonName',
        reason: `the common name is longer than ${MAX_COMMON_NAME_BYTES} bytes`,
      });
    } else if (!normalized.includes(input.commonName.toLowerCase())) {
      violations.push({
        field: 'commonName',
        reason: 'the common name must also be one of the DNS names',
      });
    }
  }
  return violations;
}
