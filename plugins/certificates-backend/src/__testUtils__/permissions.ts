import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { certificateReadPermission } from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificateConditions,
  createCertificateConditionalDecision,
} from '../permissions';

/**
 * A permission policy on certificates: user `denied` is refused, user
 * `owner` gets the conditional decision "of an entity `claims` own" (as
 * the catalog's isEntityOwner rule gives), anyone else is allowed.
 */
export function ownerOnlyPermissions(options: {
  owner: string;
  claims: string[];
  denied: string;
}) {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(async (_reqs, opts) => {
    const principal = opts?.credentials.principal as
      | { userEntityRef?: string }
      | undefined;
    const user = principal?.userEntityRef ?? '';
    if (user === `user:default/${options.denied}`) {
      return [{ result: AuthorizeResult.DENY }];
    }
    if (user === `user:default/${options.owner}`) {
      return [
        createCertificateConditionalDecision(
          certificateReadPermission,
          certificateConditions.isEntityOwner({ claims: options.claims }),
        ),
      ];
    }
    return [{ result: AuthorizeResult.ALLOW }];
  });
  return permissions;
}
