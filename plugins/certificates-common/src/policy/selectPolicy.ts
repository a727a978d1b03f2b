import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CertificatePolicy, PolicySelector } from '../policyTypes';

/**
 * A full, lower-case entity ref, or undefined when the text is not a ref.
 * Selectors compare full refs only: a bare name would match the entity of
 * that name in every catalog namespace.
 */
function normalizeRef(
  ref: string,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace }),
    ).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Whether an entity's relation (spec.owner, spec.system, relative to the
 * entity's namespace) is one of a selector's refs (relative to `default`).
 */
function refSelected(
  selected: readonly string[],
  value: unknown,
  kind: string,
  entityNamespace: string,
): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const ref = normalizeRef(value, kind, entityNamespace);
  return (
    ref !== undefined &&
    selected.some(s => normalizeRef(s, kind, 'default') === ref)
  );
}

function lower(values: readonly string[]): string[] {
  return values.map(v => v.toLowerCase());
}

/**
 * Whether a selector matches an entity (and delivery namespace); every given
 * field must. Owners and systems are compared as full refs: a bare name in
 * the selector means kind group / system in namespace `default`.
 */
export function selectorMatches(
  selector: PolicySelector | undefined,
  entity: Entity,
  options: { deliveryNamespace?: string } = {},
): boolean {
  if (!selector) {
    return true;
  }
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  if (selector.kind && !lower(selector.kind).includes(entity.kind.toLowerCase())) {
    return false;
  }
  if (selector.type) {
    const type = typeof spec.type === 'string' ? spec.type.toLowerCase() : undefined;
    if (!type || !lower(selector.type).includes(type)) {
      return false;
    }
  }
  if (selector.owner && !refSelected(selector.owner, spec.owner, 'group', namespace)) {
    return false;
  }
  if (selector.system && !refSelected(selector.system, spec.system, 'system', namespace)) {
    return false;
  }
  if (selector.namespace) {
    if (
      !options.deliveryNamespace ||
      !lower(selector.namespace).includes(options.deliveryNamespace.toLowerCase())
    ) {
      return false;
    }
  }
  return true;
}

/** The first policy whose selector matches, or undefined (then requests are denied). */
export function selectPolicy(
  policies: readonly CertificatePolicy[],
  entity: Entity,
  options: { deliveryNamespace?: string } = {},
): CertificatePolicy | undefined {
  return policies.find(p => selectorMatches(p.selector, entity, options));
}
