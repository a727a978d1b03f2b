const DAY_MS = 24 * 60 * 60 * 1000;

/** Days before expiry at which owners are notified, by default. */
export const DEFAULT_EXPIRY_THRESHOLDS_DAYS: readonly number[] = [30, 14, 7, 1];

/**
 * The step recorded for an expired certificate. Expiry is a step of its own,
 * below every threshold: a certificate that expires is notified once more,
 * even after its 1-day notice.
 */
export const EXPIRED_THRESHOLD_DAYS = 0;

/** The notification step a certificate has reached. */
export interface ExpiryStep {
  /** The threshold crossed, in days; `EXPIRED_THRESHOLD_DAYS` (0) when expired. */
  thresholdDays: number;
  expired: boolean;
  /** Time left until notAfter in milliseconds (negative once expired). */
  remainingMs: number;
}

/**
 * Valid thresholds, largest first, without duplicates. Thresholds are whole
 * days greater than 0; anything else is an error, so that a typo in config
 * fails at startup rather than silently notifying nobody.
 */
export function normalizeExpiryThresholds(
  thresholdsDays: readonly number[] = DEFAULT_EXPIRY_THRESHOLDS_DAYS,
): number[] {
  for (const t of thresholdsDays) {
    if (!Number.isInteger(t) || t <= 0) {
      throw new TypeError(
        `Expiry thresholds must be whole days greater than 0, got ${t}`,
      );
    }
  }
  return [...new Set(thresholdsDays)].sort((a, b) => b - a);
}

/**
 * The most urgent step a certificate has reached at `now`: expired, else the
 * smallest threshold it is within (time left ≤ threshold days), else none.
 * Only that step is notified, so a certificate that goes from 40 to 6 days
 * left between two checks gets one notice (7 days), not three. Expired
 * means notAfter ≤ now, as in the health status.
 */
export function expiryStep(
  notAfter: string | Date | undefined,
  now: string | Date,
  thresholdsDays: readonly number[] = DEFAULT_EXPIRY_THRESHOLDS_DAYS,
): ExpiryStep | undefined {
  if (notAfter === undefined) return undefined;
  const end = toMillis(notAfter);
  const at = toMillis(now);
  if (Number.isNaN(end) || Number.isNaN(at)) return undefined;
  const remainingMs = end - at;
  if (remainingMs <= 0) {
    return {
      thresholdDays: EXPIRED_THRESHOLD_DAYS,
      expired: true,
      remainingMs,
    };
  }
  let crossed: number | undefined;
  for (const t of thresholdsDays) {
    if (remainingMs <= t * DAY_MS && (crossed === undefined || t < crossed)) {
      crossed = t;
    }
  }
  return crossed === undefined
    ? undefined
    : { thresholdDays: crossed, expired: false, remainingMs };
}

/** Notification severity of a step: critical ≤ 1 day or expired, high ≤ 7 days. */
export function expirySeverity(
  step: ExpiryStep,
): 'critical' | 'high' | 'normal' {
  if (step.expired || step.thresholdDays <= 1) return 'critical';
  if (step.thresholdDays <= 7) return 'high';
  return 'normal';
}

/**
 * "expires within 7 days", "expires within 1 day", "has expired": the
 * threshold, which the time left may be well below (40 → 6 days is the
 * 7-day step).
 */
export function describeExpiryStep(step: ExpiryStep): string {
  if (step.expired) return 'has expired';
  const days = step.thresholdDays;
  return `expires within ${days} ${days === 1 ? 'day' : 'days'}`;
}

function toMillis(value: string | Date): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}
