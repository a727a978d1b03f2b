export { EntityCertificatesContent } from './EntityCertificatesContent';
export type { EntityCertificatesContentProps } from './EntityCertificatesContent';
export { TabToolbar } from './TabToolbar';
