import { mockServices } from '@backstage/backend-test-utils';
import {
  auditReadPermission,
  trustApprovePermission,
  trustManagePermission,
  CERTIFICATE_RESOURCE_TYPE,
  CertificateRequest,
  CertificateSummary,
  certificateReadPermission,
  certificateRenewPermission,
  certificateRevokePermission,
  REQUEST_RESOURCE_TYPE,
  requestApprovePermission,
  requestCreatePermission,
  requestReadPermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import { registerPermissions } from './registerPermissions';

const pending = {
  id: 'r1',
  state: 'pending',
  requester: 'user:default/dev',
} as CertificateRequest;

describe('registerPermissions', () => {
  function setup() {
    const registry = mockServices.permissionsRegistry.mock();
    const listByIds = jest.fn(async (ids: string[]) =>
      ids.includes('r1') ? [pending] : [],
    );
    const getSummaries = jest.fn(async (ids: string[]) =>
      ids.includes('c1') ? [{ id: 'c1' } as CertificateSummary] : [],
    );
    registerPermissions(registry, {
      requests: { listByIds },
      certificates: { getSummaries },
    });
    const resourceType = (type: string) =>
      registry.addResourceType.mock.calls
        .map(([r]) => r)
        .find(r => r.resourceRef.resourceType === type)!;
    return { registry, resourceType, listByIds, getSummaries };
  }

  it('registers the certificate resource type with its permissions and rules, loading rows by id', async () => {
    const { resourceType, getSummaries } = setup();
    const certificates = resourceType(CERTIFICATE_RESOURCE_TYPE);
    expect(certificates.resourceRef.pluginId).toBe('certificates');
    expect(certificates.permissions?.map(p => p.name)).toEqual([
      certificateReadPermission.name,
      certificateRenewPermission.name,
      certificateRevokePermission.name,
    ]);
    expect(certificates.rules.map(r => r.name).sort()).toEqual([
      'hasIssuer',
      'isEntityOwner',
    ]);
    await expect(certificates.getResources!(['c1', 'gone'])).resolves.toEqual([
      { id: 'c1' },
      undefined,
    ]);
    expect(getSummaries).toHaveBeenCalledTimes(1);
    expect(getSummaries).toHaveBeenCalledWith(['c1', 'gone']);
  });

  it('registers the request resource type, loading requests by id for conditional decisions', async () => {
    const { resourceType, listByIds } = setup();
    const requests = resourceType(REQUEST_RESOURCE_TYPE);
    expect(requests.resourceRef.pluginId).toBe('certificates');
    expect(requests.permissions?.map(p => p.name)).toEqual([
      requestReadPermission.name,
      requestApprovePermission.name,
    ]);
    expect(requests.rules.map(r => r.name).sort()).toEqual([
      'hasIssuer',
      'isEntityOwner',
      'isRequester',
    ]);
    await expect(requests.getResources!(['r1', 'gone'])).resolves.toEqual([
      pending,
      undefined,
    ]);
    expect(listByIds).toHaveBeenCalledWith(['r1', 'gone']);
  });

  it('lists the audit and create permissions, which have no resource type of ours', () => {
    const { registry } = setup();
    expect(registry.addResourceType).toHaveBeenCalledTimes(2);
    expect(registry.addPermissions).toHaveBeenCalledWith([
      auditReadPermission,
      requestCreatePermission,
      trustManagePermission,
      trustApprovePermission,
    ]);
  });
});
