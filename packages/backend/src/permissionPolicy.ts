import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  auditReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  requestApprovePermission,
  requestCreatePermission,
  requestReadPermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificateConditions,
  createCertificateConditionalDecision,
  createRequestConditionalDecision,
  requestConditions,
} from '@kubecerts/backstage-plugin-certificates-backend';

/** The team that approves requests and reads the audit trail; adjust to your org. */
export const SECURITY_GROUP = 'group:default/team-security';

/**
 * Sample permission policy a company can start from:
 *
 * - approve requests: the security team only (the backend additionally
 *   requires membership in the applying policy's approver groups and never
 *   lets a requester decide their own request);
 * - read the audit trail: the security team only;
 * - renew / revoke a certificate: the security team, or the owners of the
 *   entity the certificate belongs to;
 * - read a request: the security team, its requester, or the entity's owners;
 * - request a certificate for an entity: everyone by default (the backend
 *   approves automatically only requests of the entity's owners; anyone
 *   else's wait for approvers), or with `createForOwnersOnly` only the
 *   entity's owners and the security team (the catalog's `isEntityOwner`
 *   condition, which the catalog applies to the entity);
 * - everything else: allowed.
 *
 * Conditions come from the plugin's condition exports, so a renamed rule or
 * parameter fails to compile here instead of denying at run time.
 */
export class SampleCertificatesPolicy implements PermissionPolicy {
  constructor(private readonly options: { createForOwnersOnly?: boolean } = {}) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isSecurity = claims.includes(SECURITY_GROUP);

    if (
      this.options.createForOwnersOnly &&
      !isSecurity &&
      isPermission(request.permission, requestCreatePermission)
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (
      isPermission(request.permission, requestApprovePermission) ||
      isPermission(request.permission, auditReadPermission)
    ) {
      return { result: isSecurity ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (isPermission(request.permission, requestReadPermission) && !isSecurity) {
      return createRequestConditionalDecision(request.permission, {
        anyOf: [
          requestConditions.isRequester({ userRefs: user ? [user.info.userEntityRef] : [] }),
          requestConditions.isEntityOwner({ claims }),
        ],
      });
    }
    if (
      !isSecurity &&
      (isPermission(request.permission, certificateRenewPermission) ||
        isPermission(request.permission, certificateRevokePermission))
    ) {
      return createCertificateConditionalDecision(
        request.permission,
        certificateConditions.isEntityOwner({ claims }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'certificates-sample-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new SampleCertificatesPolicy());
      },
    });
  },
});
