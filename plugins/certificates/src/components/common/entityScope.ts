import {
  Entity,
  RELATION_HAS_PART,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CertificateListFilter } from '@kubecerts/backstage-plugin-certificates-common';

/** The annotation (and Secret label) that ties Kubernetes objects to an entity. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * Which certificates belong to an entity: a group sees everything its
 * entities own, a system everything of its parts, anything else its own.
 */
export function entityScope(entity: Entity): CertificateListFilter {
  const ref = stringifyEntityRef(entity);
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (kind === 'group') {
    return { owner: [ref] };
  }
  if (kind === 'system') {
    const parts = (entity.relations ?? [])
      .filter(r => r.type === RELATION_HAS_PART)
      .map(r => r.targetRef);
    return { entityRef: [ref, ...parts] };
  }
  return { entityRef: [ref] };
}
