export { ApprovalService } from './ApprovalService';
export type { DecideInput, QueueFilter } from './ApprovalService';
export { DatabaseDecisionStore } from './DecisionStore';
export { createApprovalsRouter } from './createApprovalsRouter';
export type { ExternalApprovals } from './createApprovalsRouter';
export type {
  ApprovalIssuancePort,
  ApprovalQueuePort,
  ApprovalRequestsPort,
  ApproverDirectory,
  ApproverQueueFilter,
  PolicyLookup,
  QueuePosition,
} from './ports';
export { DatabaseApprovalQueue } from './DatabaseApprovalQueue';
export { CatalogApproverDirectory } from './ApproverDirectory';
export {
  requestResourceRef,
  requestPermissionRules,
  requestConditions,
  createRequestConditionalDecision,
  matchesRequestCriteria,
} from './requestPermissions';
export type { RequestQuery } from './requestPermissions';
export { setupApprovals } from './setupApprovals';
export { assertApprovable } from './assertApprovable';
