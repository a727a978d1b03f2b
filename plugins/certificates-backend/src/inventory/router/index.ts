export { createInventoryRouter } from './createInventoryRouter';
export type { InventoryRouterOptions } from './createInventoryRouter';
export {
  certificateResourceRef,
  certificatePermissionRules,
  certificateConditions,
  createCertificateConditionalDecision,
  registerCertificateResource,
  transformCertificateConditions,
} from './certificatePermissions';
export { csvCell } from './csv';
