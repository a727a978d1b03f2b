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
});
