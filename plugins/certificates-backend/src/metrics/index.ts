export { InventoryMetrics } from './InventoryMetrics';
export type { InventorySnapshot } from './InventoryMetrics';
