import { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBECERTS_NAME_DOMAIN,
  isOwnName,
} from '@kubecerts/backstage-plugin-certificates-common';

/**
 * The prefix of this plugin's own annotations, e.g. `kubecerts.dev/kubernetes-usernames`.
 * Annotations under the earlier `certificates.backstage.io/` prefix count too.
 */
export const CERTIFICATES_ANNOTATION_PREFIX = KUBECERTS_NAME_DOMAIN;

// Groups and systems have no Kubernetes objects of their own, but they show
// what their members own or their parts run: a team's certificates live there.
const AGGREGATING_KINDS = ['group', 'system'];

/**
 * Whether an entity's page should offer certificates: it runs in Kubernetes
 * (the annotations the Kubernetes plugin reads), carries one of this plugin's
 * annotations, or gathers other entities' certificates (groups, systems).
 * Like `isKubernetesAvailable`, for entity page switches and tab filters.
 *
 * @public
 */
export function isCertificatesAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  if (
    annotations[KUBERNETES_ID_ANNOTATION] ||
    annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]
  ) {
    return true;
  }
  if (Object.keys(annotations).some(isOwnName)) {
    return true;
  }
  return AGGREGATING_KINDS.includes(entity.kind.toLocaleLowerCase('en-US'));
}
