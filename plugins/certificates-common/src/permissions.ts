import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  createPermission,
  PermissionAttributes,
} from '@backstage/plugin-permission-common';

/** Resource type of inventory rows; conditions filter lists without loading them. */
export const CERTIFICATE_RESOURCE_TYPE = 'certificates-certificate';
/** Resource type of certificate requests. */
export const REQUEST_RESOURCE_TYPE = 'certificates-request';

type Action = PermissionAttributes['action'];

/** `certificates.<noun>.<verb>` permissions on one resource type. */
function permissionsOn<T extends string>(resourceType: T, noun: string) {
  return (verb: string, action: Action) =>
    createPermission({
      name: `certificates.${noun}.${verb}`,
      attributes: { action },
      resourceType,
    });
}

const onCertificate = permissionsOn(CERTIFICATE_RESOURCE_TYPE, 'certificate');
const onRequest = permissionsOn(REQUEST_RESOURCE_TYPE, 'request');

export const certificateReadPermission = onCertificate('read', 'read');
export const certificateRenewPermission = onCertificate('renew', 'update');
export const certificateRevokePermission = onCertificate('revoke', 'delete');

/**
 * Requesting a certificate for a catalog entity, authorized with the entity's
 * ref as `resourceRef`: a policy may answer with the catalog's conditions
 * (e.g. `catalogConditions.isEntityOwner`), which the catalog applies. The
 * backend still approves automatically only requests of the entity's owners.
 */
export const requestCreatePermission = createPermission({
  name: 'certificates.request.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const requestReadPermission = onRequest('read', 'read');
export const requestApprovePermission = onRequest('approve', 'update');

export const auditReadPermission = createPermission({
  name: 'certificates.audit.read',
  attributes: { action: 'read' },
});

/** Asking for an approved root to be added or removed (the change still needs approvals). */
export const trustManagePermission = createPermission({
  name: 'certificates.trust.manage',
  attributes: { action: 'create' },
});

/** Approving or denying a root change; the approver groups in config apply on top. */
export const trustApprovePermission = createPermission({
  name: 'certificates.trust.approve',
  attributes: { action: 'update' },
});

export const certificatesPermissions = [
  certificateReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  requestCreatePermission,
  requestReadPermission,
  requestApprovePermission,
  auditReadPermission,
  trustManagePermission,
  trustApprovePermission,
];
