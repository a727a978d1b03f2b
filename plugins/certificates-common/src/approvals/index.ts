export { canDecide, sameRef } from './canDecide';
export type { CanDecideInput, DecisionRefusal, DecisionVerdict } from './canDecide';
export { approvalOutcome } from './approvalOutcome';
export type { ApprovalOutcome } from './approvalOutcome';
