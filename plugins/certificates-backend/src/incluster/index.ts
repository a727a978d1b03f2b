export { InClusterApprovals, IN_CLUSTER_POLICY } from './InClusterApprovals';
export type { InClusterSource } from './InClusterApprovals';
export { decisionOf, issuerLabel } from './certificateRequests';
export type { CertManagerCertificateRequest } from './certificateRequests';
