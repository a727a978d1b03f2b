import type { CertificatePolicy } from '../policyTypes';

/**
 * `automation` of a policy: which service principals (by subject, e.g.
 * `external:ci-bot`) may request certificates for the entities it covers.
 */
export interface AutomationRule {
  /** Service subjects, compared exactly (e.g. external:ci-bot). */
  allowedServices: string[];
  /**
   * Whether the policy's own autoApprove conditions also apply to these
   * services' requests. Default false: a service owns nothing, so its
   * requests wait for human approvers.
   */
  autoApprove?: boolean;
}

export type AutomationVerdict =
  | { allowed: true; autoApprove: boolean; pendingReason?: string }
  | { allowed: false; reason: string };

/**
 * May the service `subject` request under `policy`, and may its request be
 * approved without people? Services appear nowhere in the catalog's
 * ownership, so only the policy's explicit list admits one, and only its
 * explicit `autoApprove: true` spares the review.
 */
export function automationVerdict(
  policy: Pick<CertificatePolicy, 'name' | 'automation'>,
  subject: string,
): AutomationVerdict {
  const rule = policy.automation;
  if (!rule?.allowedServices.includes(subject)) {
    return {
      allowed: false,
      reason: `service ${subject} may not request certificates under policy ${policy.name} (not in automation.allowedServices)`,
    };
  }
  if (rule.autoApprove === true) {
    return { allowed: true, autoApprove: true };
  }
  return {
    allowed: true,
    autoApprove: false,
    pendingReason: `requested by service ${subject}; policy ${policy.name} has automated requests approved by people`,
  };
}
