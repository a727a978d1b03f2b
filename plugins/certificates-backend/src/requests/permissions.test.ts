import { mockServices } from '@backstage/backend-test-utils';
import { requestCreatePermission } from '@internal/plugin-certificates-common';
import { registerRequestPermissions } from './permissions';

describe('registerRequestPermissions', () => {
  it('lists certificates.request.create with the permissions registry', () => {
    const registry = mockServices.permissionsRegistry.mock();
    registerRequestPermissions(registry);
    expect(registry.addPermissions).toHaveBeenCalledWith([
      requestCreatePermission,
    ]);
  });
});
