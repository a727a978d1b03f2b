import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  auditReadPermission,
  CertificateRequest,
  REQUEST_RESOURCE_TYPE,
  requestApprovePermission,
  requestReadPermission,
} from '@internal/plugin-certificates-common';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { RequestNotifier } from '../notifications';
import { setupApprovals } from './setupApprovals';

const pending = { id: 'r1', state: 'pending', requester: 'user:default/dev' } as CertificateRequest;

describe('setupApprovals', () => {
  it('registers the request resource type with its rules, the audit permission and the announce task', async () => {
    const permissionsRegistry = mockServices.permissionsRegistry.mock();
    const scheduler = mockServices.scheduler.mock();
    const requests = {
      get: jest.fn(),
      listPending: jest.fn(async () => [pending]),
      listByIds: jest.fn(async (ids: string[]) => (ids.includes('r1') ? [pending] : [])),
      transition: jest.fn(),
    };
    const requestQueued = jest.fn(async () => undefined);
    const notifier = { requestQueued } as unknown as RequestNotifier;

    const { router, service } = await setupApprovals({
      knex: {} as Knex,
      config: mockServices.rootConfig({ data: {} }),
      logger: mockServices.logger.mock(),
      scheduler,
      httpAuth: mockServices.httpAuth(),
      userInfo: mockServices.userInfo(),
      permissions: mockServices.permissions.mock(),
      permissionsRegistry,
      audit: {} as AuditLog,
      requests,
      issuance: { issueApproved: jest.fn() },
      policies: [],
      clusters: { list: () => [] },
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      notifier,
    });
    expect(router).toBeDefined();
    expect(service).toBeDefined();

    expect(permissionsRegistry.addResourceType).toHaveBeenCalledTimes(1);
    const [resourceType] = permissionsRegistry.addResourceType.mock.calls[0];
    expect(resourceType.resourceRef.resourceType).toBe(REQUEST_RESOURCE_TYPE);
    expect(resourceType.resourceRef.pluginId).toBe('certificates');
    expect(resourceType.permissions?.map(p => p.name)).toEqual([
      requestReadPermission.name,
      requestApprovePermission.name,
    ]);
    expect(resourceType.rules.map(r => r.name).sort()).toEqual([
      'hasIssuer',
      'isEntityOwner',
      'isRequester',
    ]);
    // The permission framework loads resources by id for conditional decisions.
    await expect(resourceType.getResources!(['r1', 'gone'])).resolves.toEqual([pending, undefined]);
    expect(permissionsRegistry.addPermissions).toHaveBeenCalledWith([auditReadPermission]);

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'certificates-approvals-announce', scope: 'global' }),
    );
    const task = scheduler.scheduleTask.mock.calls[0][0];
    await task.fn(new AbortController().signal);
    expect(requestQueued).toHaveBeenCalledWith(pending);
  });
});
