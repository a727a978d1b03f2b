import { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { runInUnitOfWork } from '../database';
import { pendingRequest } from '../approvals/__testUtils__/TableRequests';
import { RequestNotifier } from './RequestNotifier';
import { describeDatabases } from '../__testUtils__';

describeDatabases('RequestNotifier', db => {
  async function setup(knex: Knex) {
    const notifications = { send: jest.fn().mockResolvedValue(undefined) };
    const notifier = RequestNotifier.create({
      knex,
      notifications,
      logger: mockServices.logger.mock(),
    });
    return { knex, notifications, notifier };
  }

  db.test(
    'notifies approvers once when queued and the requester once per outcome',
    async ({ knex }) => {
      const { notifications, notifier } = await setup(knex);
      const request = pendingRequest();

      await Promise.all([
        notifier.requestQueued(request),
        notifier.requestQueued(request),
      ]);
      await notifier.requestQueued(request);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send).toHaveBeenLastCalledWith({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/security'],
          excludeEntityRef: 'user:default/dev',
        },
        payload: expect.objectContaining({
          link: '/certificates/approvals',
          scope: `certificates:request:${request.id}:queued`,
          topic: `certificate-request:${request.id}`,
        }),
      });

      await notifier.requestDecided({ ...request, state: 'approved' });
      await notifier.requestDecided({ ...request, state: 'approved' });
      await notifier.requestIssued({ ...request, state: 'issued' });
      await notifier.requestIssued({ ...request, state: 'issued' });
      expect(notifications.send).toHaveBeenCalledTimes(3);
      expect(
        notifications.send.mock.calls
          .slice(1)
          .map(c => c[0].recipients.entityRef),
      ).toEqual([['user:default/dev'], ['user:default/dev']]);
      // Still pending: nothing to tell the requester yet.
      await notifier.requestDecided(request);
      expect(notifications.send).toHaveBeenCalledTimes(3);
    },
  );

  db.test(
    'announces an in-cluster CertificateRequest once, however long its id',
    async ({ knex }) => {
      const { notifications, notifier } = await setup(knex);
      const name = `very-long-certificate-request-name-${'x'.repeat(200)}`;
      const request = pendingRequest({
        id: `incluster:${Buffer.from(
          JSON.stringify(['prod-eu-west', 'payments', name]),
        ).toString('base64url')}`,
        requester: 'system:serviceaccount:cert-manager:cert-manager',
        approvers: ['group:default/security'],
        createdAt: '2026-11-28T10:00:00Z',
        inCluster: { cluster: 'prod-eu-west', namespace: 'payments', name },
      });
      expect(request.id.length).toBeGreaterThan(128);

      await Promise.all([
        notifier.requestQueued(request),
        notifier.requestQueued(request),
      ]);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      // A Kubernetes username is no entity ref: nobody is excluded.
      expect(notifications.send.mock.calls[0][0].recipients).toEqual({
        type: 'entity',
        entityRef: ['group:default/security'],
      });
      // Recreated under the same name later: a new request, announced again.
      await notifier.requestQueued({
        ...request,
        createdAt: '2026-11-28T11:00:00Z',
      });
      expect(notifications.send).toHaveBeenCalledTimes(2);
    },
  );

  db.test(
    'claims issued notifications in the transaction that records the requests issued',
    async ({ knex }) => {
      const { notifications, notifier } = await setup(knex);
      const first = pendingRequest({ state: 'issued' });
      const second = pendingRequest({ id: `${first.id}-2`, state: 'issued' });

      // Rolled back with the state it belonged to: no claim is left behind.
      await runInUnitOfWork(knex, async trx => {
        await notifier.claimIssued([first, second], trx);
        throw new Error('issuing batch failed');
      }).catch(() => undefined);
      const [{ n }] = await knex('certificates_notifications_sent').count({
        n: '*',
      });
      expect(Number(n)).toBe(0);

      await runInUnitOfWork(knex, trx =>
        notifier.claimIssued([first, second], trx),
      );
      await notifier.requestIssued(first, { claimed: true });
      await notifier.requestIssued(second, { claimed: true });
      expect(notifications.send).toHaveBeenCalledTimes(2);
      // Any later caller finds the pair claimed and sends nothing.
      await notifier.requestIssued(first);
      await notifier.requestIssued(second);
      expect(notifications.send).toHaveBeenCalledTimes(2);
      expect(
        notifications.send.mock.calls.map(c => c[0].payload.scope),
      ).toEqual([
        `certificates:request:${first.id}:issued`,
        `certificates:request:${second.id}:issued`,
      ]);
    },
  );

  it('does nothing without the notifications service, and survives a failing one', async () => {
    const knex = await db.migrated('SQLITE_3');
    const logger = mockServices.logger.mock();
    await RequestNotifier.create({ knex, logger }).requestQueued(
      pendingRequest(),
    );
    const failing = {
      send: jest
        .fn()
        .mockRejectedValue(new Error('notifications backend down')),
    };
    await RequestNotifier.create({
      knex,
      notifications: failing,
      logger,
    }).requestFailed(
      pendingRequest({ state: 'failed', failureReason: 'CA unreachable' }),
    );
    expect(failing.send).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('notifications backend down'),
    );
  });
});
