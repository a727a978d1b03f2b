export {
  REQUEST_ID_LABEL,
  LINEAGE_LABEL,
  PENDING_KEY_LABEL,
  PENDING_KEY_FOR_ANNOTATION,
  readOwnName,
} from '@kubecerts/backstage-plugin-certificates-common';

/** The owning entity's name, as the Kubernetes plugin reads it. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
