import { Ownership, OwnershipRule } from '../types';

/**
 * How an owner found by a rule may be used to authorize an action: labels
 * (on the Secret, its Certificate, an Ingress, or matched by an entity's
 * label selector) are written by whoever writes to the cluster, so they
 * describe; only the platform's namespace mappings (configuration) and a
 * proven portal request name an owner that may act.
 */
const AUTHORITATIVE: ReadonlySet<OwnershipRule> = new Set<OwnershipRule>([
  'namespace-mapping',
  'request',
]);

/**
 * The entity and owner an action on a certificate without a proven portal
 * request is authorized on: its ownership when a configured mapping or a
 * proven request made it, else none (then only a permission that does not
 * depend on the owner allows the action).
 */
export function authorizingOwnership(
  ownership: Ownership | undefined,
): Pick<Ownership, 'entityRef' | 'ownerRef'> {
  if (!ownership?.rule || !AUTHORITATIVE.has(ownership.rule)) return {};
  return { entityRef: ownership.entityRef, ownerRef: ownership.ownerRef };
}
