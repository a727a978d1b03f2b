import {
  AuditAction,
  CertificateRequest,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';
import type { AuditLog } from '../audit';
import type { RequestPatch, RequestStore } from '../requests/RequestStore';

/** Who the audit trail names for the steps the plugin takes by itself. */
export const ISSUER_ACTOR = 'plugin:certificates';

/** The audit record of one issuance step. */
export interface IssuerAuditEntry {
  action: AuditAction;
  outcome: 'success' | 'failure';
  detail?: string;
}

/** One compare-and-set of a request's state (RequestStore.transition). */
export interface StateMove {
  id: string;
  from: RequestState[];
  to: RequestState;
  patch: RequestPatch;
}

/**
 * Moves a request to another state and appends the audit record of the
 * move in one transaction (`trx` when the caller has one open, else a new
 * one): a process that dies between the two writes leaves neither, so no
 * request is ever in a state its audit trail does not show. Undefined,
 * with nothing written, when the request was not in one of `from` (or the
 * lease the patch names was taken over).
 */
export async function auditedTransition(
  deps: { store: RequestStore; audit: AuditLog },
  move: StateMove,
  entry: IssuerAuditEntry,
  trx?: UnitOfWork,
): Promise<CertificateRequest | undefined> {
  const { store, audit } = deps;
  const run = async (t?: UnitOfWork) => {
    const moved = await store.transition(
      move.id,
      move.from,
      move.to,
      move.patch,
      t,
    );
    if (moved) {
      await audit.record(
        {
          actor: ISSUER_ACTOR,
          requestId: moved.id,
          entityRef: moved.entityRef,
          ...entry,
        },
        t,
      );
    }
    return moved;
  };
  if (trx) return run(trx);
  return store.transaction(t => run(t));
}
