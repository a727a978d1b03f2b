export { InventoryPage } from './InventoryPage';
export type { InventoryView } from './InventoryPage';
export { ExpiryTimelineChart } from './ExpiryTimelineChart';
export { CertificatesPage } from './CertificatesPage';
