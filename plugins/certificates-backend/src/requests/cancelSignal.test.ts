import { APPROVALS_SIGNAL_CHANNEL } from '@kubecerts/backstage-plugin-certificates-common';
import {
  awaitingApproval,
  describeDatabases,
  SECURITY_GROUP,
} from '../__testUtils__';

/*
 * A requester withdrawing a pending request changes the approvers' queue:
 * their badges hear of it as of a new or decided request.
 */
describeDatabases('cancelling a pending request', db => {
  db.test(
    "signals the request's approvers, naming no request",
    async ({ harness }) => {
      const h = await harness();
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
