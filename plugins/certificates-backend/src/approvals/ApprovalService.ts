import { LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  approvalOutcome,
  CertificatePolicy,
  CertificateRequest,
  canDecide,
  requestApprovePermission,
} from '@internal/plugin-certificates-common';
import { Knex } from 'knex';
import { AuditLog } from '../audit';
import { RequestNotifier } from '../notifications';
import { CallerIdentity } from '../service/identity';
import { DatabaseDecisionStore } from './DecisionStore';
import { ApprovalIssuancePort, ApprovalRequestsPort, PolicyLookup } from './ports';
import {
  matchesRequestCriteria,
  requestPermissionRules,
  RequestQuery,
} from './requestPermissions';

export interface DecideInput {
  caller: CallerIdentity;
  requestId: string;
  decision: 'approve' | 'deny';
  reason?: string;
}

export interface QueueFilter {
  issuer?: string[];
  owner?: string[];
  minAgeHours?: number;
}

const { isRequester, hasIssuer, isEntityOwner } = requestPermissionRules;
const toQuery: ConditionTransformer<RequestQuery> = createConditionTransformer([
  isRequester,
  hasIssuer,
  isEntityOwner,
]);

/**
 * Approve / deny of portal requests. The security invariants hold here,
 * whatever the permission policy says: the requester never decides, one
 * person counts once, approvers come from the applying policy, decisions are
 * final, and the approval that completes N moves the request to approved in
 * the same transaction as the decision, then issues exactly once.
 */
export class ApprovalService {
  static create(options: {
    knex: Knex;
    requests: ApprovalRequestsPort;
    decisions: DatabaseDecisionStore;
    audit: AuditLog;
    permissions: PermissionsService;
    issuance: ApprovalIssuancePort;
    policyByName: PolicyLookup;
    notifier?: RequestNotifier;
    logger: LoggerService;
    now?: () => Date;
  }): ApprovalService {
    return new ApprovalService(options);
  }

  private constructor(
    private readonly o: Parameters<typeof ApprovalService.create>[0],
  ) {}

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  /** The approvers and N for a request: the policy as configured now, else the request's snapshot. */
  policyFor(request: CertificateRequest): Pick<CertificatePolicy, 'name' | 'approvals'> {
    const current = this.o.policyByName(request.policyName);
    const approvals = current?.approvals;
    return {
      name: request.policyName,
      approvals: {
        approvers: approvals?.approvers ?? request.approvers,
        required: Math.max(approvals?.required ?? 1, request.approvalsRequired ?? 1),
      },
    };
  }

  async decide(input: DecideInput): Promise<CertificateRequest> {
    const { caller, requestId, decision } = input;
    const reason = input.reason?.trim() || undefined;
    if (decision === 'deny' && !reason) {
      throw new InputError('A reason is required to deny a request.');
    }
    const request = await this.o.requests.get(requestId);
    if (!request) {
      throw new NotFoundError(`No request ${requestId}`);
    }
    const policy = this.policyFor(request);
    const permission = await this.approvePermission(caller);
    const required = policy.approvals?.required ?? 1;
    const at = this.now().toISOString();

    const result = await this.o.knex.transaction(async trx => {
      await this.o.decisions.lock(requestId, trx);
      // Read again under the lock: what we check is what we change.
      const current = await this.o.requests.get(requestId, trx);
      if (!current) throw new NotFoundError(`No request ${requestId}`);
      const existing = await this.o.decisions.listForRequest(requestId, trx);
      const verdict = canDecide({
        request: { ...current, decisions: existing },
        actor: caller.userEntityRef,
        actorGroups: caller.ownershipEntityRefs,
        policy,
      });
      if (!verdict.allowed) {
        if (verdict.refusal === 'not-pending' || verdict.refusal === 'already-decided') {
          throw new ConflictError(verdict.reason);
        }
        throw new NotAllowedError(verdict.reason);
      }
      if (!this.permitted(permission, current)) {
        throw new NotAllowedError('You are not allowed to approve certificate requests.');
      }

      await this.o.decisions.add({ requestId, actor: caller.userEntityRef, decision, reason, at }, trx);
      const decisions = [...existing, { actor: caller.userEntityRef, decision, reason, at }];
      const outcome = approvalOutcome(decisions, required);

      // Also a partial approval goes through the compare-and-set, so the
      // request record carries every decision and a request cancelled
      // meanwhile is a conflict rather than a silent extra row.
      const updated = await this.o.requests.transition(
        requestId,
        ['pending'],
        outcome.state,
        outcome.state === 'denied' ? { decisions, failureReason: reason } : { decisions },
        trx,
      );
      if (!updated) {
        throw new ConflictError('The request changed state meanwhile; nothing was decided.');
      }
      await this.o.audit.record(
        {
          actor: caller.userEntityRef,
          action: decision === 'approve' ? 'approved' : 'denied',
          requestId,
          entityRef: current.entityRef,
          outcome: 'success',
          at,
          detail:
            decision === 'deny'
              ? `Denied: ${reason}`
              : `Approval ${outcome.approvals} of ${required}${
                  outcome.state === 'approved' ? '; request approved' : '; still pending'
                }${reason ? `: ${reason}` : ''}`,
        },
        trx,
      );
      return { request: { ...updated, decisions }, state: outcome.state };
    });

    if (result.state !== 'pending') {
      await this.o.notifier?.requestDecided(result.request);
    }
    if (result.state === 'approved') {
      try {
        await this.o.issuance.issueApproved(requestId);
      } catch (error) {
        // The request is approved and persisted; the resume task retries issuance.
        this.o.logger.error(`Issuance of approved request ${requestId} failed: ${error}`);
      }
      const fresh = await this.o.requests.get(requestId);
      if (fresh?.state === 'issued') await this.o.notifier?.requestIssued(fresh);
      if (fresh?.state === 'failed') await this.o.notifier?.requestFailed(fresh);
      return { ...(fresh ?? result.request), decisions: result.request.decisions };
    }
    return result.request;
  }

  /** Pending requests this caller may decide, oldest first. */
  async queue(caller: CallerIdentity, filter: QueueFilter = {}): Promise<CertificateRequest[]> {
    const permission = await this.approvePermission(caller);
    if (permission.result === AuthorizeResult.DENY) return [];
    // The permission's conditions and the caller's filters go into the
    // store's query; the policy's rules (approvers, separation of duties)
    // need each request's decisions and are applied here.
    const conditional = permission.result === AuthorizeResult.CONDITIONAL;
    const minAgeMs = filter.minAgeHours !== undefined ? filter.minAgeHours * 3_600_000 : undefined;
    const pending = await this.o.requests.listPending({
      permission: conditional ? toQuery(permission.conditions) : undefined,
      issuers: filter.issuer?.length ? filter.issuer : undefined,
      owners: filter.owner?.length ? filter.owner : undefined,
      createdBefore:
        minAgeMs !== undefined ? new Date(this.now().getTime() - minAgeMs).toISOString() : undefined,
    });
    const decisions = await this.o.decisions.listForRequests(pending.map(r => r.id));
    return pending
      .map(r => ({ ...r, decisions: decisions.get(r.id) ?? [] }))
      .filter(
        r =>
          canDecide({
            request: r,
            actor: caller.userEntityRef,
            actorGroups: caller.ownershipEntityRefs,
            policy: this.policyFor(r),
          }).allowed,
      )
      .map(r => ({
        ...r,
        approvers: this.policyFor(r).approvals?.approvers ?? r.approvers,
        approvalsRequired: this.policyFor(r).approvals?.required ?? r.approvalsRequired,
      }));
  }

  /** Requests the caller decided, newest decision first. */
  async history(caller: CallerIdentity, limit = 100): Promise<CertificateRequest[]> {
    const mine = await this.o.decisions.listByActor(caller.userEntityRef, limit);
    const ids = [...new Set(mine.map(d => d.requestId))];
    if (ids.length === 0) return [];
    const requests = new Map((await this.o.requests.listByIds(ids)).map(r => [r.id, r]));
    const decisions = await this.o.decisions.listForRequests(ids);
    return ids
      .filter(id => requests.has(id))
      .map(id => ({ ...requests.get(id)!, decisions: decisions.get(id) ?? [] }));
  }

  private async approvePermission(caller: CallerIdentity): Promise<PolicyDecision> {
    const [decision] = await this.o.permissions.authorizeConditional(
      [{ permission: requestApprovePermission }],
      { credentials: caller.credentials },
    );
    return decision;
  }

  private permitted(decision: PolicyDecision, request: CertificateRequest): boolean {
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result !== AuthorizeResult.CONDITIONAL) return false;
    return matchesRequestCriteria(toQuery(decision.conditions), request);
  }
}
