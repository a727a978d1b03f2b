export {
  resolveOwnership,
  buildEntityOwnershipIndex,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_ID_LABEL,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from './resolveOwnership';
export type {
  OwnershipEntity,
  NamespaceMapping,
  EntityOwnershipIndex,
  OwnershipInput,
} from './resolveOwnership';
export { parseLabelSelector, matchesLabelSelector } from './labelSelector';
export type { LabelRequirement } from './labelSelector';
export { authorizingOwnership } from './ownershipAuthority';
