export { InClusterApprovals, IN_CLUSTER_POLICY } from './InClusterApprovals';
export type { InClusterSource } from './InClusterApprovals';
export { decisionOf, issuerLabel } from './certificateRequests';
export type { CertManagerCertificateRequest } from './certificateRequests';
export { InClusterOwnership } from './InClusterOwnership';
export { InClusterDecisionLog } from './InClusterDecisionLog';
export type { InClusterOwnershipInput } from './InClusterOwnership';
export {
  KubernetesIdentities,
  kubernetesIdentitiesOf,
  KUBERNETES_USERNAMES_ANNOTATION,
} from './KubernetesIdentities';
export { setupInClusterApprovals } from './setupInClusterApprovals';
