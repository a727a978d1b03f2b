export { DatabaseInventoryStore } from './DatabaseInventoryStore';
export type {
  InventoryStore,
  InventoryRow,
  InventoryRowDetails,
  EndpointRowDetails,
  KubernetesObjectRecord,
  ClusterStatusUpdate,
  CertificateQueryFilter,
  CertificatePermissionFilter,
  ListQuery,
  RowVersion,
} from './types';
