import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { RequestNotifier } from '../notifications';
import { setupApprovals } from './setupApprovals';

const pending = { id: 'r1', state: 'pending', requester: 'user:default/dev' } as CertificateRequest;
const external = { id: 'k8s:1', state: 'pending', requester: 'user:default/ops' } as CertificateRequest;

describe('setupApprovals', () => {
  it('schedules the announce task for portal and external requests', async () => {
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
      audit: {} as AuditLog,
      requests,
      issuance: { issueApproved: jest.fn() },
      policies: [],
      external: [
        {
          owns: () => false,
          queue: async () => [],
          decide: jest.fn(),
          undecided: async () => [external],
        },
      ],
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      notifier,
    });
    expect(router).toBeDefined();
    expect(service).toBeDefined();

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'certificates-approvals-announce', scope: 'global' }),
    );
    const task = scheduler.scheduleTask.mock.calls[0][0];
    await task.fn(new AbortController().signal);
    expect(requestQueued).toHaveBeenCalledWith(pending);
    expect(requestQueued).toHaveBeenCalledWith(external);
  });
});
