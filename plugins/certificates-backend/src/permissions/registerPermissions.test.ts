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
    /** The resource type registered as `type`, with the permissions and rules it must have. */
    const registered = (
      type: string,
      expected: { permissions: string[]; rules: string[] },
    ) => {
      const registration = resourceType(type);
      expect(registration.resourceRef.pluginId).toBe('certificates');
      expect(registration.permissions?.map(p => p.name)).toEqual(
        expected.permissions,
      );
      expect(registration.rules.map(rule => rule.name).sort()).toEqual(
        expected.rules,
      );
      return registration;
    };
    return { registry, registered, listByIds, getSummaries };
  }

  it('registers the certificate resource type with its permissions and rules, loading rows by id', async () => {
    const { registered, getSummaries } = setup();
    const certificates = registered(CERTIFICATE_RESOURCE_TYPE, {
      permissions: [
        certificateReadPermission.name,
        certificateRenewPermission.name,
        certificateRevokePermission.name,
      ],
      rules: ['hasIssuer', 'isEntityOwner'],
    });
    await expect(certificates.getResources!(['c1', 'gone'])).resolves.toEqual([
      { id: 'c1' },
      undefined,
    ]);
    expect(getSummaries).toHaveBeenCalledTimes(1);
    expect(getSummaries).toHaveBeenCalledWith(['c1', 'gone']);
  });

  it('registers the request resource type, loading requests by id for conditional decisions', async () => {
    const { registered, listByIds } = setup();
    const requests = registered(REQUEST_RESOURCE_TYPE, {
      permissions: [requestReadPermission.name, requestApprovePermission.name],
      rules: ['hasIssuer', 'isEntityOwner', 'isRequester'],
    });
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
