import {
  ValidationResult,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';

/**
 * The backend refused a request because it breaks the certificate policy.
 * `violations` lists each reason with the field it is about, so a form can
 * show them next to the fields.
 */
export class PolicyViolationError extends Error {
  readonly violations: Violation[];
  /** Other fields of the answer, e.g. policyName. */
  readonly details: Partial<Omit<ValidationResult, 'ok' | 'violations'>>;

  constructor(
    message: string,
    violations: Violation[],
    details: Partial<Omit<ValidationResult, 'ok' | 'violations'>> = {},
  ) {
    super(message);
    this.name = 'PolicyViolationError';
    this.violations = violations;
    this.details = details;
  }

  /** Violations whose field is `field` or one of its elements (`dnsNames` → `dnsNames[2]`). */
  forField(field: string): Violation[] {
    return this.violations.filter(
      v =>
        v.field === field ||
        v.field.startsWith(`${field}[`) ||
        v.field.startsWith(`${field}.`),
    );
  }
}

export function isPolicyViolationError(e: unknown): e is PolicyViolationError {
  return (
    e instanceof PolicyViolationError ||
    (typeof e === 'object' &&
      e !== null &&
      (e as { name?: unknown }).name === 'PolicyViolationError' &&
      Array.isArray((e as { violations?: unknown }).violations))
  );
}
