import { Violation } from '@kubecerts/backstage-plugin-certificates-common';

/** Inputs of the request form that can show a violation beside them. */
export type FormField =
  | 'dnsNames'
  | 'commonName'
  | 'keyAlgorithm'
  | 'validityDays'
  | 'issuer'
  | 'delivery.kind'
  | 'delivery.csr'
  | 'delivery.cluster'
  | 'delivery.namespace'
  | 'delivery.secretName'
  | 'clientAuth'
  | 'justification';

const FORM_FIELDS: readonly string[] = [
  'dnsNames',
  'commonName',
  'keyAlgorithm',
  'validityDays',
  'issuer',
  'delivery.kind',
  'delivery.csr',
  'delivery.cluster',
  'delivery.namespace',
  'delivery.secretName',
  'clientAuth',
  'justification',
];

/** Violations sorted by the input they belong to. */
export interface GroupedViolations {
  /** Reasons per form input (for dnsNames: those about the list as a whole). */
  byField: Partial<Record<FormField, string[]>>;
  /** Reasons per DNS name, by its index in the submitted list. */
  byDnsName: Record<number, string[]>;
  /** Violations no input can show: they go into a general alert. */
  general: Violation[];
}

const INDEXED = /^([A-Za-z.]+)\[(\d+)\]$/;

/**
 * Maps the backend's field paths (`dnsNames[2]`, `delivery.namespace`) to the
 * form's inputs, so each reason appears beside what the user has to change.
 */
export function groupViolations(violations: Violation[]): GroupedViolations {
  const grouped: GroupedViolations = {
    byField: {},
    byDnsName: {},
    general: [],
  };
  for (const violation of violations) {
    const path = violation.field.trim();
    const indexed = INDEXED.exec(path);
    if (indexed && indexed[1] === 'dnsNames') {
      const index = Number(indexed[2]);
      (grouped.byDnsName[index] ??= []).push(violation.reason);
      continue;
    }
    const field = indexed ? indexed[1] : path;
    if (FORM_FIELDS.includes(field)) {
      (grouped.byField[field as FormField] ??= []).push(violation.reason);
    } else {
      grouped.general.push(violation);
    }
  }
  return grouped;
}

/** Splits the DNS names text area into names: one per line, commas and spaces also separate. */
export function parseDnsNames(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(name => name.trim())
    .filter(name => name.length > 0);
}
