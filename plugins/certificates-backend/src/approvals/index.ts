export { ApprovalService } from './ApprovalService';
export { DatabaseDecisionStore } from './DecisionStore';
export { createApprovalsRouter } from './createApprovalsRouter';
export type {
  ApprovalNotifier,
  DecideInput,
  ExternalApprovals,
  QueueFilter,
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
export { assertApprovable } from './assertApprovable';
