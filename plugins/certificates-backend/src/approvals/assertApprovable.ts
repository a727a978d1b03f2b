import { ConflictError, NotAllowedError } from '@backstage/errors';
import { Approvability } from '@kubecerts/backstage-plugin-certificates-common';

/**
 * Refuses an approval the request's contents forbid, whoever approves: a
 * CA certificate no policy allows is a 403 (no one may), an unreadable CSR
 * a 409 (the request cannot be approved as it is). Denying is unaffected.
 */
export function assertApprovable(verdict: Approvability): void {
  if (verdict.approvable) return;
  if (verdict.refusal === 'unreadable-csr') throw new ConflictError(verdict.reason);
  throw new NotAllowedError(verdict.reason);
}
