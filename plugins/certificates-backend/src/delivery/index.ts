export { KubernetesDelivery, KUBERNETES_ID_LABEL, REQUEST_ID_LABEL, LINEAGE_LABEL } from './KubernetesDelivery';
export type { ClusterLookup, CertManagerStatus } from './KubernetesDelivery';
export { generateKeyAndCsr } from './keyAndCsr';
