import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  ApprovalIssuancePort,
  ApprovalNotifier,
  ApprovalRequestsPort,
} from './ports';

/**
 * Issues a request the approval just completed and tells the requester how
 * it ended. The approver's answer waits for the certificate at most `waitMs`:
 * a built-in CA signs in milliseconds, while an ACME order can take minutes,
 * longer than a browser or a proxy holds a request open. Past that the
 * answer is the request as it stands (issuing), and issuance and its notice
 * go on here; if this process stops first, the issuance sweep resumes the
 * request once its lease lapses.
 */
export async function issueAfterApproval(
  o: {
    issuance: ApprovalIssuancePort;
    requests: Pick<ApprovalRequestsPort, 'get'>;
    notifier: ApprovalNotifier;
    logger: LoggerService;
  },
  requestId: string,
  waitMs: number,
): Promise<CertificateRequest | undefined> {
  const settled = o.issuance
    .issueApproved(requestId)
    .catch(error => {
      // The request is approved and persisted; the sweep retries issuance.
      o.logger.error(
        `Issuance of approved request ${requestId} failed: ${error}`,
      );
    })
    .then(async () => {
      const fresh = await o.requests.get(requestId);
      if (fresh?.state === 'issued') await o.notifier.requestIssued(fresh);
      if (fresh?.state === 'failed') await o.notifier.requestFailed(fresh);
      return fresh;
    })
    .catch(error => {
      o.logger.warn(
        `Announcing the outcome of request ${requestId} failed: ${error}`,
      );
      return undefined;
    });
  const stopWaiting = new AbortController();
  const waited = await Promise.race([
    settled.then(fresh => ({ fresh })),
    sleep(waitMs, undefined, { signal: stopWaiting.signal }).catch(
      () => undefined,
    ),
  ]);
  stopWaiting.abort();
  return waited ? waited.fresh : o.requests.get(requestId);
}
