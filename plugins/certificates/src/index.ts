/**
 * Certificates for Kubernetes in Backstage: health on entity pages,
 * self-service requests, approvals and inventory.
 *
 * @packageDocumentation
 */
export * from './api';
export {
  certificatesPlugin,
  CertificatesPage,
  EntityCertificatesCard,
  EntityCertificatesContent,
  CertificateApprovalsPage,
} from './plugin';
export { approvalsRouteRef, rootRouteRef } from './routes';
export { RequestCertificateButton } from './components/RequestDialog';
export type { RequestCertificateButtonProps } from './components/RequestDialog';
export {
  EntityRequestsList,
  RequestPanel,
  RequestPanelDrawer,
} from './components/Requests';
export type {
  EntityRequestsListProps,
  RequestPanelProps,
} from './components/Requests';
export { ApprovalsNavIcon } from './components/Approvals/ApprovalsNavIcon';
export { AuditView } from './components/Audit';
export type { EntityCertificatesContentProps } from './components/EntityCertificatesContent';
