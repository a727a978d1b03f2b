import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  auditReadPermission,
  CertificateRequest,
  CertificateSummary,
  certificateReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  requestApprovePermission,
  requestCreatePermission,
  requestReadPermission,
  trustApprovePermission,
  trustManagePermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificatePermissionRules,
  certificateResourceRef,
} from './certificateRules';
import { requestPermissionRules, requestResourceRef } from './requestRules';

/**
 * Registers every permission of the plugin, its resource types and rules.
 * certificates.request.create is listed so that policy tooling sees it; its
 * resources are catalog entities, so conditions on it are the catalog's
 * rules, which the catalog applies.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  options: {
    /** Loads requests by id for conditional decisions the framework applies itself. */
    requests: { listByIds(ids: string[]): Promise<CertificateRequest[]> };
    /** Loads inventory rows by id, likewise (e.g. may this user renew this one?). */
    certificates: {
      getSummaries(ids: string[]): Promise<CertificateSummary[]>;
    };
  },
): void {
  registry.addResourceType({
    resourceRef: certificateResourceRef,
    permissions: [
      certificateReadPermission,
      certificateRenewPermission,
      certificateRevokePermission,
    ],
    rules: Object.values(certificatePermissionRules),
    getResources: async refs => {
      const found = new Map(
        (await options.certificates.getSummaries(refs)).map(c => [c.id, c]),
      );
      return refs.map(ref => found.get(ref));
    },
  });
  registry.addResourceType({
    resourceRef: requestResourceRef,
    permissions: [requestReadPermission, requestApprovePermission],
    rules: Object.values(requestPermissionRules),
    getResources: async refs => {
      const found = new Map(
        (await options.requests.listByIds(refs)).map(r => [r.id, r]),
      );
      return refs.map(ref => found.get(ref));
    },
  });
  registry.addPermissions([
    auditReadPermission,
    requestCreatePermission,
    trustManagePermission,
    trustApprovePermission,
  ]);
}
