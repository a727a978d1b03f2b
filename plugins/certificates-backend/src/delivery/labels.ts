import { REQUEST_ID_LABEL } from '@kubecerts/backstage-plugin-certificates-common';

export { REQUEST_ID_LABEL };

/** The owning entity's name, as the Kubernetes plugin reads it. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
/** The lineage (first request id) of that request; descriptive. */
export const LINEAGE_LABEL = 'certificates.backstage.io/lineage';

/** On a pending-key Secret: the request whose key it holds. */
export const PENDING_KEY_LABEL =
  'certificates.backstage.io/pending-key-for-request';
/** On a pending-key Secret: the target Secret the key is meant for. */
export const PENDING_KEY_FOR_ANNOTATION =
  'certificates.backstage.io/target-secret';

export const CERT_MANAGER_CERTIFICATES = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
};
