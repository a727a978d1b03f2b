export { KubernetesDelivery, KUBERNETES_ID_LABEL, REQUEST_ID_LABEL, LINEAGE_LABEL } from './KubernetesDelivery';
export type { ClusterLookup, CertManagerStatus, KubernetesDeliveryOptions, RequestLookup } from './KubernetesDelivery';
export { DeliveryTargetCheck } from './DeliveryTargetCheck';
export { generateKeyAndCsr } from './keyAndCsr';
