import { approvalOutcome, ApprovalOutcome } from '../approvals/approvalOutcome';
import { canDecide, DecisionVerdict } from '../approvals/canDecide';
import { TrustChange } from './trustTypes';

/** Who approves root changes, from `certificates.trust.approvals`. */
export interface TrustApprovalSettings {
  required: number;
  approvers: string[];
}

/**
 * May this user approve or deny this root change? The same separation of
 * duties as certificate requests: never the requester, one person counts
 * once, only members of the configured approver groups.
 */
export function canDecideTrustChange(input: {
  change: Pick<TrustChange, 'state' | 'requester' | 'decisions'>;
  actor: string;
  actorGroups: string[];
  approvals: TrustApprovalSettings;
}): DecisionVerdict {
  return canDecide({
    request: input.change,
    actor: input.actor,
    actorGroups: input.actorGroups,
    policy: {
      name: 'certificates.trust.approvals',
      approvals: {
        required: input.approvals.required,
        approvers: input.approvals.approvers,
      },
    },
  });
}

/** Where the decisions leave a root change that needs `required` distinct approvals. */
export function trustChangeOutcome(
  change: Pick<TrustChange, 'decisions' | 'required'>,
): ApprovalOutcome {
  return approvalOutcome(
    change.decisions.map(d => ({
      actor: d.actor,
      decision: d.decision,
      reason: d.reason ?? '',
    })),
    change.required,
  );
}

/** The facts of a candidate root the backend read from its certificate. */
export interface RootCandidateFacts {
  isCa: boolean;
  /** Whether keyUsage names keyCertSign; a certificate without keyUsage does not. */
  keyCertSign: boolean;
  selfSigned: boolean;
  notBefore: string;
  notAfter: string;
}

/**
 * Why a certificate may not become an approved root; empty when it may.
 * A root is a CA certificate that may sign certificates, currently valid,
 * and self-signed unless intermediates are explicitly allowed.
 */
export function rootCandidateReasons(
  facts: RootCandidateFacts,
  options: { now: Date; allowIntermediates?: boolean },
): string[] {
  const reasons: string[] = [];
  if (!facts.isCa) {
    reasons.push(
      'It is not a CA certificate (basicConstraints CA:TRUE is missing).',
    );
  }
  if (!facts.keyCertSign) {
    reasons.push('Its key usage does not include keyCertSign.');
  }
  if (!facts.selfSigned && !options.allowIntermediates) {
    reasons.push(
      'It is not self-signed; intermediates are accepted only when certificates.trust.allowIntermediates is true.',
    );
  }
  const now = options.now.getTime();
  if (Date.parse(facts.notAfter) <= now) {
    reasons.push(`It expired on ${facts.notAfter}.`);
  } else if (Date.parse(facts.notBefore) > now) {
    reasons.push(`It is not valid before ${facts.notBefore}.`);
  }
  return reasons;
}
