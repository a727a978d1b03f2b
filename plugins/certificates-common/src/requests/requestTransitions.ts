import type { RequestState } from '../types';

/**
 * Every state change a request may make, by the state it is in. A request
 * never moves otherwise: a decision is final, and what the CA issued is
 * never undone by a state change (revocation is recorded beside the state).
 *
 * - pending: an approval that still needs more (pending), the last one
 *   needed (approved), a denial (denied), or the requester's cancel.
 * - approved: issuance starts (issuing), or fails before it could start.
 * - issuing: the CA's certificate is stored (issued), or issuance failed.
 * - issued: only to itself, to link the certificate's inventory row.
 * - failed, denied, cancelled: none.
 */
export const REQUEST_TRANSITIONS: Readonly<
  Record<RequestState, readonly RequestState[]>
> = {
  pending: ['pending', 'approved', 'denied', 'cancelled'],
  approved: ['issuing', 'failed'],
  issuing: ['issued', 'failed'],
  issued: ['issued'],
  failed: [],
  denied: [],
  cancelled: [],
};

/** Whether a request in state `from` may be moved to `to`. */
export function canTransition(from: RequestState, to: RequestState): boolean {
  return REQUEST_TRANSITIONS[from]?.includes(to) ?? false;
}

/**
 * The states of `from` from which `to` is not allowed: a compare-and-set
 * naming any of them asks for a move the rules forbid.
 */
export function refusedTransitions(
  from: readonly RequestState[],
  to: RequestState,
): RequestState[] {
  return from.filter(state => !canTransition(state, to));
}
