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
  CertificatesTrustPage,
  HomePageMyCertificatesCard,
} from './plugin';
export { approvalsRouteRef, rootRouteRef, trustRouteRef } from './routes';
export {
  CERTIFICATES_ANNOTATION_PREFIX,
  isCertificatesAvailable,
} from './entity';
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
export type { MyCertificatesCardProps } from './components/Home';
export type { EntityCertificatesContentProps } from './components/EntityCertificatesContent';
