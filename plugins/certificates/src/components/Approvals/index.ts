export { ApprovalsPage, PendingApprovalsLabel } from './ApprovalsPage';
export { ApprovalsQueue } from './ApprovalsQueue';
export type { ApprovalsQueueProps } from './ApprovalsQueue';
export { DecidedByMe } from './DecidedByMe';
export { ApprovalsNavIcon } from './ApprovalsNavIcon';
export { DecisionDialog } from './DecisionDialog';
export { usePendingApprovalsCount } from './usePendingApprovalsCount';
