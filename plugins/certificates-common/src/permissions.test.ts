import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  certificatesPermissions,
  requestCreatePermission,
} from './permissions';

describe('permissions', () => {
  it('makes certificates.request.create a permission on the catalog entity, so catalog conditions apply', () => {
    expect(requestCreatePermission).toEqual({
      type: 'resource',
      name: 'certificates.request.create',
      attributes: { action: 'create' },
      resourceType: 'catalog-entity',
    });
    expect(
      isResourcePermission(requestCreatePermission, 'catalog-entity'),
    ).toBe(true);
    expect(certificatesPermissions).toContain(requestCreatePermission);
  });

  // Policies match on these names: renaming one silently changes who may act.
  it('declares each permission with its action and resource type, once', () => {
    expect(
      certificatesPermissions.map(
        p =>
          `${p.name} ${p.attributes.action} on ${
            isResourcePermission(p) ? p.resourceType : '(no resource)'
          }`,
      ),
    ).toEqual([
      'certificates.certificate.read read on certificates-certificate',
      'certificates.certificate.renew update on certificates-certificate',
      'certificates.certificate.revoke delete on certificates-certificate',
      'certificates.request.create create on catalog-entity',
      'certificates.request.read read on certificates-request',
      'certificates.request.approve update on certificates-request',
      'certificates.audit.read read on (no resource)',
      'certificates.trust.manage create on (no resource)',
      'certificates.trust.approve update on (no resource)',
    ]);
  });
});
