export {
  KubernetesDelivery,
  KUBERNETES_ID_LABEL,
  REQUEST_ID_LABEL,
  LINEAGE_LABEL,
} from './KubernetesDelivery';
export type {
  ClusterLookup,
  KubernetesDeliveryOptions,
  RequestLookup,
} from './KubernetesDelivery';
export { DeliveryTargetCheck } from './DeliveryTargetCheck';
export { SecretDelivery } from './SecretDelivery';
export { CertManagerDelivery } from './CertManagerDelivery';
export { generateKeyAndCsr } from './keyAndCsr';
