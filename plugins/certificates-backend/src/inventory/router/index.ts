export { createInventoryRouter } from './createInventoryRouter';
export type { InventoryRouterOptions } from './createInventoryRouter';
export { csvCell } from './csv';
export type { InventoryCaller, InventoryLifecyclePort } from './ports';
