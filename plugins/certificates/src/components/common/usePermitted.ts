import { usePermission } from '@backstage/plugin-permission-react';
import { ResourcePermission } from '@backstage/plugin-permission-common';

/** What the permission framework says about one action on one resource. */
export interface Permitted {
  /** The policy allows it. */
  allowed: boolean;
  /** The policy refuses it: hide the action. */
  denied: boolean;
  loading: boolean;
}

/**
 * Whether the signed-in user may take an action on a resource, as the
 * permission policy answers. A check that fails (e.g. a conditional decision
 * the framework cannot evaluate here) is neither allowed nor denied: the
 * backend's own verdict then decides what is shown, and it decides again on
 * every action.
 */
export function usePermitted(
  permission: ResourcePermission,
  resourceRef: string,
): Permitted {
  const { allowed, loading, error } = usePermission({
    permission,
    resourceRef,
  });
  return { allowed, loading, denied: !allowed && !loading && !error };
}
