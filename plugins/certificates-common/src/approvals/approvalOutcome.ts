import { ApprovalDecision } from '../types';
import { sameRef } from './canDecide';

export interface ApprovalOutcome {
  /** approved once N distinct people approved; denied on the first deny. */
  state: 'pending' | 'approved' | 'denied';
  /** Distinct approvers so far. */
  approvals: number;
  /** Approvals still needed (0 when approved or denied). */
  remaining: number;
  /** The deny that ended it, when denied. */
  deniedBy?: Pick<ApprovalDecision, 'actor' | 'reason'>;
}

/**
 * Where a set of decisions leaves a request that needs `required` distinct
 * approvals. One person counts once, and a single deny ends it.
 */
export function approvalOutcome(
  decisions: ReadonlyArray<Pick<ApprovalDecision, 'actor' | 'decision' | 'reason'>>,
  required: number,
): ApprovalOutcome {
  const needed = Math.max(1, Math.floor(required || 1));
  const deny = decisions.find(d => d.decision === 'deny');
  const distinct: string[] = [];
  for (const d of decisions) {
    if (d.decision === 'approve' && !distinct.some(a => sameRef(a, d.actor))) {
      distinct.push(d.actor);
    }
  }
  if (deny) {
    return {
      state: 'denied',
      approvals: distinct.length,
      remaining: 0,
      deniedBy: { actor: deny.actor, reason: deny.reason },
    };
  }
  if (distinct.length >= needed) {
    return { state: 'approved', approvals: distinct.length, remaining: 0 };
  }
  return {
    state: 'pending',
    approvals: distinct.length,
    remaining: needed - distinct.length,
  };
}
