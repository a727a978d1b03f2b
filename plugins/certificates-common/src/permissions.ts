import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of inventory rows; conditions filter lists without loading them. */
export const CERTIFICATE_RESOURCE_TYPE = 'certificates-certificate';
/** Resource type of certificate requests. */
export const REQUEST_RESOURCE_TYPE = 'certificates-request';

export const certificateReadPermission = createPermission({
  name: 'certificates.certificate.read',
  attributes: { action: 'read' },
  resourceType: CERTIFICATE_RESOURCE_TYPE,
});

export const certificateRenewPermission = createPermission({
  name: 'certificates.certificate.renew',
  attributes: { action: 'update' },
  resourceType: CERTIFICATE_RESOURCE_TYPE,
});

export const certificateRevokePermission = createPermission({
  name: 'certificates.certificate.revoke',
  attributes: { action: 'delete' },
  resourceType: CERTIFICATE_RESOURCE_TYPE,
});

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

export const requestReadPermission = createPermission({
  name: 'certificates.request.read',
  attributes: { action: 'read' },
  resourceType: REQUEST_RESOURCE_TYPE,
});

export const requestApprovePermission = createPermission({
  name: 'certificates.request.approve',
  attributes: { action: 'update' },
  resourceType: REQUEST_RESOURCE_TYPE,
});

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
