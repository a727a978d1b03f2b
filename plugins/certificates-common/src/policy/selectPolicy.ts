import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CertificatePolicy, PolicySelector } from '../policyTypes';

function normalizeRef(ref: string, defaultKind: string, defaultNamespace: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace }),
    ).toLowerCase();
  } catch {
    return ref.toLowerCase();
  }
}

function lower(values: readonly string[]): string[] {
  return values.map(v => v.toLowerCase());
}

/** Whether a selector matches an entity (and delivery namespace); every given field must. */
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
  if (selector.owner) {
    if (typeof spec.owner !== 'string') {
      return false;
    }
    const owner = normalizeRef(spec.owner, 'group', namespace);
    if (!selector.owner.some(o => normalizeRef(o, 'group', 'default') === owner)) {
      return false;
    }
  }
  if (selector.system) {
    if (typeof spec.system !== 'string') {
      return false;
    }
    const system = normalizeRef(spec.system, 'system', namespace);
    const matches = selector.system.some(
      s =>
        normalizeRef(s, 'system', 'default') === system ||
        s.toLowerCase() === parseEntityRef(system).name,
    );
    if (!matches) {
      return false;
    }
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
