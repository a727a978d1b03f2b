export { EntityRequestsList } from './EntityRequestsList';
export type { EntityRequestsListProps } from './EntityRequestsList';
export { RequestPanel } from './RequestPanel';
export type { RequestPanelProps } from './RequestPanel';
export { RequestPanelDrawer } from './RequestPanelDrawer';
export type { RequestPanelDrawerProps } from './RequestPanelDrawer';
export { RequestStateChip } from './RequestStateChip';
export { RequestStepper } from './RequestStepper';
export { DateText } from '../common/DateText';
export {
  describeDelivery,
  describeDuration,
  describeKey,
  requestTitle,
} from './describe';
export { RequestedCertificateTable } from './RequestedCertificateTable';
export type { RequestedCertificateTableProps } from './RequestedCertificateTable';
export { InClusterRequestPanel } from './InClusterRequestPanel';
