import { ApprovalDecision } from '../types';
import { sameRef } from './canDecide';

export interface ApprovalOutcome {
  /** approved once N distinct people approved; denied on the first deny. */
  state: 'pending' | 'approved' | 'denied';
  /** Distinct approvers so far whose approval counts. */
  approvals: number;
  /** Approvals still needed (0 when approved or denied). */
  remaining: number;
  /** The deny that ended it, when denied. */
  deniedBy?: Pick<ApprovalDecision, 'actor' | 'reason'>;
  /** People who approved but are no longer approvers: their approval does not count. */
  notCounted: string[];
}

export interface ApprovalOutcomeOptions {
  /**
   * Whether this person is an approver now. An approval counts only while
   * its author still is one, so removing someone from the approver groups
   * also withdraws their approvals of requests still pending. Default: all
   * count.
   */
  isApproverNow?: (actor: string) => boolean;
}

/**
 * Where a set of decisions leaves a request that needs `required` distinct
 * approvals. One person counts once, and a single deny ends it.
 */
export function approvalOutcome(
  decisions: ReadonlyArray<Pick<ApprovalDecision, 'actor' | 'decision' | 'reason'>>,
  required: number,
  options: ApprovalOutcomeOptions = {},
): ApprovalOutcome {
  const needed = Math.max(1, Math.floor(required || 1));
  const deny = decisions.find(d => d.decision === 'deny');
  const distinct: string[] = [];
  const notCounted: string[] = [];
  for (const d of decisions) {
    if (d.decision !== 'approve') continue;
    if ([...distinct, ...notCounted].some(a => sameRef(a, d.actor))) continue;
    if (options.isApproverNow && !options.isApproverNow(d.actor)) notCounted.push(d.actor);
    else distinct.push(d.actor);
  }
  if (deny) {
    return {
      state: 'denied',
      approvals: distinct.length,
      remaining: 0,
      deniedBy: { actor: deny.actor, reason: deny.reason },
      notCounted,
    };
  }
  if (distinct.length >= needed) {
    return { state: 'approved', approvals: distinct.length, remaining: 0, notCounted };
  }
  return {
    state: 'pending',
    approvals: distinct.length,
    remaining: needed - distinct.length,
    notCounted,
  };
}
