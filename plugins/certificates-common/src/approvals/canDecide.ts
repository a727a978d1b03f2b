import { CertificatePolicy } from '../policyTypes';
import { ApprovalDecision, CertificateRequest } from '../types';

/** Why a decision is refused; stable codes the UI can map to text. */
export type DecisionRefusal =
  | 'not-pending'
  | 'own-request'
  | 'already-decided'
  | 'no-approvers-configured'
  | 'not-an-approver';

export type DecisionVerdict =
  | { allowed: true }
  | { allowed: false; refusal: DecisionRefusal; reason: string };

export interface CanDecideInput {
  request: Pick<CertificateRequest, 'state' | 'requester'> & {
    decisions?: Array<Pick<ApprovalDecision, 'actor'>>;
  };
  /** The deciding user's entity ref, e.g. user:default/alice. */
  actor: string;
  /** The user's ownership refs (the user and its groups), from userInfo. */
  actorGroups: string[];
  /** The policy that applies to the request now; approvers come from here. */
  policy?: Pick<CertificatePolicy, 'name' | 'approvals'>;
  /** Whether the actor already has a decision on record (counts once). */
  alreadyDecided?: boolean;
  /**
   * Other identities the actor acts under, e.g. the Kubernetes usernames of
   * their user entity: a request recorded under any of them is their own.
   */
  actorAliases?: string[];
}

/** Entity refs are case-insensitive in the catalog. */
export function sameRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/**
 * May this user approve or deny this request? The backend enforces this
 * whatever the permission policy says; the UI shows the same verdict. The
 * `certificates.request.approve` permission is checked on top of it.
 */
export function canDecide(input: CanDecideInput): DecisionVerdict {
  const { request, actor, actorGroups, policy } = input;
  if (request.state !== 'pending') {
    return refuse('not-pending', `The request is ${request.state}; a decision is final.`);
  }
  const own = [actor, ...(input.actorAliases ?? [])].some(
    identity => identity !== '' && sameRef(request.requester, identity),
  );
  if (own) {
    return refuse('own-request', 'You cannot decide on your own request.');
  }
  const decided =
    input.alreadyDecided ||
    (request.decisions ?? []).some(d => sameRef(d.actor, actor));
  if (decided) {
    return refuse('already-decided', 'You have already decided on this request.');
  }
  const approvers = policy?.approvals?.approvers ?? [];
  if (approvers.length === 0) {
    return refuse(
      'no-approvers-configured',
      policy
        ? `Policy ${policy.name} names no approver groups, so nobody may approve by hand.`
        : 'No policy applies to this request, so nobody may approve it.',
    );
  }
  const member = approvers.some(group => actorGroups.some(ref => sameRef(ref, group)));
  if (!member) {
    return refuse(
      'not-an-approver',
      `Only members of ${approvers.join(', ')} may decide requests under policy ${policy!.name}.`,
    );
  }
  return { allowed: true };
}

function refuse(refusal: DecisionRefusal, reason: string): DecisionVerdict {
  return { allowed: false, refusal, reason };
}
