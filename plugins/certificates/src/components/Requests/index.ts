export {
  EntityRequestsList,
  type EntityRequestsListProps,
} from './EntityRequestsList';
export { RequestPanel, type RequestPanelProps } from './RequestPanel';
export {
  RequestPanelDrawer,
  type RequestPanelDrawerProps,
} from './RequestPanelDrawer';
export { RequestStateChip } from './RequestStateChip';
export { RequestStepper } from './RequestStepper';
export { DateText } from '../common/DateText';
export * from './describe';
export {
  RequestedCertificateTable,
  type RequestedCertificateTableProps,
} from './RequestedCertificateTable';
export { InClusterRequestPanel } from './InClusterRequestPanel';
