import { APPROVALS_SIGNAL_CHANNEL } from '@kubecerts/backstage-plugin-certificates-common';
import {
  awaitingApproval,
  createHarness,
  SECURITY_GROUP,
  testDatabases,
} from '../__testUtils__';

/*
 * A requester withdrawing a pending request changes the approvers' queue:
 * their badges hear of it as of a new or decided request.
 */
describe('cancelling a pending request', () => {
  const databases = testDatabases();

  it.each(databases.eachSupportedId())(
    "signals the request's approvers, naming no request, %p",
    async databaseId => {
      const h = await createHarness(databases, databaseId);
      const request = await h.requestStore.create(awaitingApproval('services'));
      h.signals.publish.mockClear();

      const cancelled = await h.requestService.cancel(request.id, {
        userEntityRef: request.requester,
      });

      expect(cancelled.state).toBe('cancelled');
      expect(h.signals.publish.mock.calls).toEqual([
        [
          {
            recipients: { type: 'user', entityRef: [SECURITY_GROUP] },
            channel: APPROVALS_SIGNAL_CHANNEL,
            message: { event: 'cancelled' },
          },
        ],
      ]);
      // Signals down: the cancellation stands.
      const other = await h.requestStore.create(awaitingApproval('services'));
      h.signals.publish.mockRejectedValueOnce(new Error('events down'));
      await expect(
        h.requestService.cancel(other.id, { userEntityRef: other.requester }),
      ).resolves.toMatchObject({ state: 'cancelled' });
    },
  );
});
