import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The entity's owner as a full ref: `spec.owner` read with the default kind
 * group and the entity's own namespace; undefined when it has no valid
 * owner.
 */
export function entityOwnerRef(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Whether someone with these ownership claims (user info
 * `ownershipEntityRefs`: the user and their groups, full refs) belongs to the
 * entity's owner. Full refs are compared, so a group of the same name in
 * another namespace is not the owner.
 */
export function isEntityOwnedBy(
  ownershipEntityRefs: readonly string[],
  entity: Entity,
): boolean {
  // Entity refs are ASCII: plain lower-casing compares them (the locale-aware
  // one cost more than the rest of the owner check).
  const owner = entityOwnerRef(entity)?.toLowerCase();
  return (
    !!owner && ownershipEntityRefs.some(ref => ref.toLowerCase() === owner)
  );
}
