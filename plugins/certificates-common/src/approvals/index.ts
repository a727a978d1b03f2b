export { canDecide, sameRef } from './canDecide';
export type {
  CanDecideInput,
  DecisionRefusal,
  DecisionVerdict,
} from './canDecide';
export { approvalOutcome } from './approvalOutcome';
export type {
  ApprovalOutcome,
  ApprovalOutcomeOptions,
} from './approvalOutcome';
export { approvable, caCertificateReasons } from './approvable';
export type { ApprovableInput } from './approvable';
export { requestedCertificateOf } from './requestedCertificate';
export { DENIAL_REASON_REQUIRED, decisionReason } from './decisionReason';
