import { PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  CertificateRequest,
  DecisionKind,
  DecisionVerdict,
  DENIAL_REASON_REQUIRED,
  decisionReason as reasonOf,
  requestApprovePermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { CallerIdentity } from '../service/identity';
import {
  authorizeFilter,
  filterAllows,
  matchesRequestCriteria,
  PermissionFilter,
  RequestQuery,
  transformRequestConditions,
} from '../permissions';

// The checks every source of approvals (portal requests, in-cluster
// CertificateRequests, root changes) applies the same way before a decision.

/**
 * Refuses a decision `canDecide` (or `canDecideTrustChange`) refused: a
 * request that is no longer pending or that this person decided already is
 * a conflict (409), anything else a refusal of the person (403).
 */
export function assertDecisionAllowed(verdict: DecisionVerdict): void {
  if (verdict.allowed) return;
  const conflict =
    verdict.refusal === 'not-pending' || verdict.refusal === 'already-decided';
  throw conflict
    ? new ConflictError(verdict.reason)
    : new NotAllowedError(verdict.reason);
}

/** The decision's reason as recorded; a denial without one is refused (400). */
export function decisionReason(input: {
  decision: DecisionKind;
  reason?: string;
}): string | undefined {
  const { reason, missing } = reasonOf(input.decision, input.reason);
  if (missing) throw new InputError(DENIAL_REASON_REQUIRED);
  return reason;
}

/** The caller's approve permission, its conditions as a filter. */
export function approvePermissionOf(
  permissions: PermissionsService,
  caller: CallerIdentity,
): Promise<PermissionFilter<RequestQuery>> {
  return authorizeFilter(
    permissions,
    requestApprovePermission,
    caller.credentials,
    transformRequestConditions,
  );
}

/** Whether the approve permission's conditions admit this request. */
export function permissionAdmits(
  permission: PermissionFilter<RequestQuery>,
  request: CertificateRequest,
): boolean {
  return filterAllows(permission, criteria =>
    matchesRequestCriteria(criteria, request),
  );
}

/** Refuses (403) a request the approve permission's conditions leave out. */
export function assertPermissionAdmits(
  permission: PermissionFilter<RequestQuery>,
  request: CertificateRequest,
): void {
  if (!permissionAdmits(permission, request)) {
    throw new NotAllowedError(
      'You are not allowed to approve certificate requests.',
    );
  }
}
