import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { kubernetesIdentitiesOf } from '../KubernetesIdentities';

/** A user's Kubernetes username is their name: no catalog is asked. */
export const nameOnlyIdentities = {
  of: async (userEntityRef: string) => kubernetesIdentitiesOf(userEntityRef),
};

/** Decisions are not kept for "decided by me": suites about the cluster side. */
export const noDecisionLog = {
  record: async () => undefined,
  listByActor: async (): Promise<CertificateRequest[]> => [],
};
