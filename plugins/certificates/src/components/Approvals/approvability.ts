import {
  approvable,
  Approvability,
  CertificateRequest,
  requestedCertificateOf,
} from '@kubecerts/backstage-plugin-certificates-common';
import { requestTitle } from '../Requests';

/** The backend's verdict on a queue row; without one, the strictest (no CA issuer allowed). */
export function verdictOf(request: CertificateRequest): Approvability {
  return (
    request.approvability ??
    approvable({
      requested: requestedCertificateOf(request),
      issuer: request.issuer,
    })
  );
}

/**
 * The ids a bulk approval sends, and a line for each it skips because the
 * request cannot be approved at all. Ids not listed are sent: the backend
 * decides those.
 */
export function splitApprovable(
  ids: string[],
  byId: Map<string, CertificateRequest>,
): { send: string[]; skipped: string[] } {
  const send: string[] = [];
  const skipped: string[] = [];
  for (const id of ids) {
    const request = byId.get(id);
    const verdict = request && verdictOf(request);
    if (request && verdict && !verdict.approvable) {
      skipped.push(
        `${requestTitle(request)}: skipped, it cannot be approved: ${
          verdict.reason
        }`,
      );
    } else {
      send.push(id);
    }
  }
  return { send, skipped };
}
