export { DatabaseInventoryStore } from './DatabaseInventoryStore';
export type {
  InventoryStore,
  InventoryRow,
  InventoryRowDetails,
  KubernetesObjectRecord,
  ClusterStatusUpdate,
  CertificateQueryFilter,
  CertificatePermissionFilter,
  ListQuery,
  RowVersion,
} from './types';
