export { selectPolicy, selectorMatches } from './selectPolicy';
export { automationVerdict } from './automation';
export type { AutomationRule, AutomationVerdict } from './automation';
export {
  evaluateRequest,
  entityOwnerRef,
  isEntityOwnedBy,
  renewalSubmissionVerdict,
  suggestDnsNames,
  DEFAULT_KEY_ALGORITHMS,
  DEFAULT_MAX_VALIDITY_DAYS,
  DEFAULT_ALLOWED_NAMESPACES,
} from './evaluateRequest';
export type { EvaluationContext } from './evaluateRequest';
// Pattern and template expansion is public as a whole: the form shows it.
export * from './templates';
export {
  certificatePolicySchema,
  certificatePoliciesSchema,
  policySelectorSchema,
} from './policySchema';
export type { CertificatePolicyInput } from './policySchema';
