import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { requestCreatePermission } from '@internal/plugin-certificates-common';

/**
 * Lists certificates.request.create among the plugin's permissions, so that
 * policy tooling sees it. Its resources are catalog entities: conditions on
 * it are the catalog's rules, which the catalog applies.
 */
export function registerRequestPermissions(
  registry: PermissionsRegistryService,
): void {
  registry.addPermissions([requestCreatePermission]);
}
