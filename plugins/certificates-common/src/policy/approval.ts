import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput } from '../types';
import { entityOwnerRef } from './entityOwner';

/** Whether a compliant request is approved automatically, and if not why. */
export type ApprovalDecision = { autoApprove: boolean; pendingReason?: string };

/**
 * The policy's conditions first; then a service goes by the policy's
 * automation rule, and anyone else must be an owner (invariant 9).
 */
export function approvalVerdict(
  byPolicy: ApprovalDecision,
  automation: ApprovalDecision | undefined,
  notOwner: () => string | undefined,
): ApprovalDecision {
  if (!byPolicy.autoApprove) return byPolicy;
  if (automation) return automation;
  const reason = notOwner();
  return reason ? { autoApprove: false, pendingReason: reason } : byPolicy;
}

export function notOwnerReason(
  entity: Entity,
  requester: string | undefined,
): string {
  const owner = entityOwnerRef(entity);
  return `requested by ${
    requester ?? 'someone'
  }, who is not an owner of ${stringifyEntityRef(entity)} (${
    owner ? `owner ${owner}` : 'it has no owner'
  })`;
}

/** What the policy's own conditions say; the owner rule comes on top. */
export function autoApproval(
  input: CertificateRequestInput,
  policy: CertificatePolicy,
): ApprovalDecision {
  const rule = policy.autoApprove;
  if (rule === true) {
    return { autoApprove: true };
  }
  if (!rule) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} requires approval`,
    };
  }
  if (
    rule.maxValidityDays !== undefined &&
    input.validityDays > rule.maxValidityDays
  ) {
    return {
      autoApprove: false,
      pendingReason: `${input.validityDays} days exceeds the ${rule.maxValidityDays} days that policy ${policy.name} approves automatically`,
    };
  }
  if (rule.issuers && !rule.issuers.includes(input.issuer)) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} approves issuer ${input.issuer} only after review`,
    };
  }
  if (rule.deliveries && !rule.deliveries.includes(input.delivery.kind)) {
    return {
      autoApprove: false,
      pendingReason: `Policy ${policy.name} approves ${input.delivery.kind} delivery only after review`,
    };
  }
  return { autoApprove: true };
}
