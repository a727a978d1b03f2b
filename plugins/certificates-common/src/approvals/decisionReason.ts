import type { DecisionKind } from '../apiTypes';

/** Why the API refuses a denial without a reason. */
export const DENIAL_REASON_REQUIRED = 'A reason is required to deny a request.';

/**
 * A decision's reason as it is recorded (trimmed, absent when blank), or
 * `{ missing: true }` for a denial without one: the requester is owed the
 * reason their request was denied.
 */
export function decisionReason(
  decision: DecisionKind,
  reason: string | undefined,
): { reason: string | undefined; missing: boolean } {
  const trimmed = reason?.trim() || undefined;
  return { reason: trimmed, missing: decision === 'deny' && !trimmed };
}
