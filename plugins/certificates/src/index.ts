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
} from './plugin';
export { rootRouteRef } from './routes';
export type { EntityCertificatesContentProps } from './components/EntityCertificatesContent';
