import { LoggerService } from '@backstage/backend-plugin-api';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import type { RequestStore } from '../requests/RequestStore';

/**
 * Resumes requests stuck in issuing (unchanged for `stuckAfterMs`), follows
 * cert-manager requests and issues approved requests, however many: each
 * kind is read in pages, oldest first, and handled page by page. A request
 * whose issuance lease has not expired is being issued right now and is
 * left to its owner; one whose owner died is taken over once its lease
 * expired. Returns how many requests it handled.
 */
export async function recoverySweep(options: {
  store: RequestStore;
  issuance: {
    issueApproved(requestId: string): Promise<CertificateRequest>;
    follow(request: CertificateRequest): Promise<CertificateRequest>;
  };
  logger: LoggerService;
  now: Date;
  stuckAfterMs: number;
}): Promise<number> {
  const { store, issuance, logger, now } = options;
  const leaseFreeAt = now.toISOString();
  const before = new Date(now.getTime() - options.stuckAfterMs).toISOString();
  let handled = 0;
  // cert-manager signs its requests in the cluster: those are followed.
  const stuck = store.pagesByState({
    states: ['issuing'],
    updatedBefore: before,
    exceptDeliveryKinds: ['cert-manager'],
    leaseFreeAt,
  });
  for await (const page of stuck) {
    for (const request of page) {
      await issuance.issueApproved(request.id);
      handled++;
    }
  }
  const following = store.pagesByState({
    states: ['issuing'],
    deliveryKinds: ['cert-manager'],
    leaseFreeAt,
  });
  for await (const page of following) {
    for (const request of page) {
      await issuance
        .follow(request)
        .catch(e =>
          logger.warn(`Following request ${request.id} failed: ${e}`),
        );
      handled++;
    }
  }
  // Approved last: a request this moves to issuing is not met again in
  // this sweep (as stuck, or to follow).
  for await (const page of store.pagesByState({
    states: ['approved'],
    leaseFreeAt,
  })) {
    for (const request of page) {
      await issuance.issueApproved(request.id);
      handled++;
    }
  }
  return handled;
}
