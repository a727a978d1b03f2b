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

export const requestCreatePermission = createPermission({
  name: 'certificates.request.create',
  attributes: { action: 'create' },
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

export const certificatesPermissions = [
  certificateReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  requestCreatePermission,
  requestReadPermission,
  requestApprovePermission,
  auditReadPermission,
];
