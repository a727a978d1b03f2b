import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  APPROVALS_SIGNAL_CHANNEL,
  ApprovalsSignal,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { RequestEvents } from '../requests/ports';

/** The moments at which an approvers' queue changes. */
export type QueueEvents = Pick<
  RequestEvents,
  'requestQueued' | 'requestDecided' | 'requestCancelled'
>;

/**
 * Tells the request's approvers that their queue changed, so their
 * pending-count badge counts again. The message names no request: the badge
 * asks the backend, which applies the permission framework as for any read.
 * Only the approver groups hear it (the signals backend matches them
 * against each connection's ownership refs).
 */
export async function publishApprovalsSignal(options: {
  signals: SignalsService;
  logger: LoggerService;
  request: CertificateRequest;
  event: ApprovalsSignal['event'];
}): Promise<void> {
  const { signals, logger, request, event } = options;
  if (request.approvers.length === 0) return;
  try {
    await signals.publish<ApprovalsSignal>({
      recipients: { type: 'user', entityRef: request.approvers },
      channel: APPROVALS_SIGNAL_CHANNEL,
      message: { event },
    });
  } catch (error) {
    // A badge that refreshes later is no reason to fail a request or decision.
    logger.warn(`Could not signal the approvals queue change: ${error}`);
  }
}

/**
 * The same queue events, also signalled to approvers after they happened.
 * Wraps whatever already reacts to them (the request notifier).
 */
export function withApprovalSignals<T extends QueueEvents>(
  inner: T,
  options: { signals: SignalsService; logger: LoggerService },
): T {
  const after =
    (event: ApprovalsSignal['event'], run: QueueEvents['requestQueued']) =>
    async (request: CertificateRequest) => {
      await run(request);
      await publishApprovalsSignal({ ...options, request, event });
    };
  return Object.assign(Object.create(inner) as T, {
    requestQueued: after('queued', r => inner.requestQueued(r)),
    requestDecided: after('decided', r => inner.requestDecided(r)),
    requestCancelled: after('cancelled', r => inner.requestCancelled(r)),
  });
}
