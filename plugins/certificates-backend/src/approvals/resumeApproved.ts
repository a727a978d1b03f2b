import { LoggerService } from '@backstage/backend-plugin-api';
import { ApprovalIssuancePort, ApprovalRequestsPort } from './ports';

/**
 * Issues requests left in state approved, e.g. when the backend stopped
 * between the approval commit and the call to the CA. Issuance is keyed by
 * the request id, so running this next to a live issuance issues once.
 */
export async function resumeApprovedRequests(options: {
  requests: Pick<ApprovalRequestsPort, 'listByState'>;
  issuance: ApprovalIssuancePort;
  logger: LoggerService;
}): Promise<{ resumed: number; failed: number }> {
  const approved = await options.requests.listByState(['approved']);
  let failed = 0;
  for (const request of approved) {
    try {
      await options.issuance.issueApproved(request.id);
    } catch (error) {
      failed += 1;
      options.logger.error(`Resumed issuance of request ${request.id} failed: ${error}`);
    }
  }
  if (approved.length > 0) {
    options.logger.info(`Resumed issuance of ${approved.length} approved request(s)`);
  }
  return { resumed: approved.length - failed, failed };
}
