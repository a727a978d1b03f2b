import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  approvable,
  Approvability,
  approvalOutcome,
  CertificatePolicy,
  CertificateRequest,
  canDecide,
  requestedCertificateOf,
  sameRef,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { runInUnitOfWork } from '../database/unitOfWork';
import { AuditLog } from '../audit';
import { CallerIdentity } from '../service/identity';
import { DatabaseDecisionStore } from './DecisionStore';
import { assertApprovable } from './assertApprovable';
import {
  approvePermissionOf,
  assertDecisionAllowed,
  assertPermissionAdmits,
  decisionReason,
} from './approverChecks';
import { issueAfterApproval } from './issueAfterApproval';
import {
  ApprovalNotifier,
  ApprovalIssuancePort,
  ApprovalQueuePort,
  ApprovalRequestsPort,
  ApproverDirectory,
  ApproverQueueFilter,
  DecideInput,
  QueueFilter,
  QueuePosition,
} from './ports';

export type { DecideInput, QueueFilter } from './ports';

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
    /** The policies as configured now. */
    policies: CertificatePolicy[];
    /** The approvers' queue, counted and paged in the database. */
    queue: ApprovalQueuePort;
    /** Group membership now of people who approved earlier. */
    directory: ApproverDirectory;
    notifier: ApprovalNotifier;
    logger: LoggerService;
    /** How long the completing approval waits for the certificate. */
    issuanceWaitMs: number;
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

  /**
   * The approvers, N and CA issuers for a request: the policy as configured
   * now, else the request's snapshot (which allows no CA issuer).
   */
  policyFor(
    request: CertificateRequest,
  ): Pick<CertificatePolicy, 'name' | 'approvals' | 'caIssuers'> {
    const current = this.o.policies.find(p => p.name === request.policyName);
    const approvals = current?.approvals;
    return {
      name: request.policyName,
      approvals: {
        approvers: approvals?.approvers ?? request.approvers,
        required: Math.max(
          approvals?.required ?? 1,
          request.approvalsRequired ?? 1,
        ),
      },
      caIssuers: current?.caIssuers,
    };
  }

  /** Whether the request's certificate may be approved at all under its policy now. */
  approvabilityOf(request: CertificateRequest): Approvability {
    return approvable({
      requested: requestedCertificateOf(request),
      issuer: request.issuer,
      policy: this.policyFor(request),
    });
  }

  async decide(input: DecideInput): Promise<CertificateRequest> {
    const { caller, requestId, decision } = input;
    const reason = decisionReason(input);
    const request = await this.o.requests.get(requestId);
    if (!request) {
      throw new NotFoundError(`No request ${requestId}`);
    }
    const policy = this.policyFor(request);
    if (decision === 'approve') assertApprovable(this.approvabilityOf(request));
    const permission = await approvePermissionOf(this.o.permissions, caller);
    const required = policy.approvals?.required ?? 1;
    const at = this.now().toISOString();
    // Earlier approvals count only while their authors are approvers: look
    // their groups up before taking the lock (the catalog may be slow).
    const membership = new Map<string, string[]>();
    const approversNow = async (
      decisions: Array<{ actor: string; decision: string }>,
    ) => {
      if (decision !== 'approve' || required <= 1) return;
      for (const d of decisions) {
        const key = d.actor.toLocaleLowerCase('en-US');
        if (
          d.decision !== 'approve' ||
          membership.has(key) ||
          sameRef(d.actor, caller.userEntityRef)
        )
          continue;
        membership.set(key, await this.o.directory.ownershipRefsOf(d.actor));
      }
    };
    await approversNow(await this.o.decisions.listForRequest(requestId));
    const isApproverNow = (actor: string) =>
      sameRef(actor, caller.userEntityRef) ||
      (policy.approvals?.approvers ?? []).some(group =>
        (membership.get(actor.toLocaleLowerCase('en-US')) ?? []).some(ref =>
          sameRef(ref, group),
        ),
      );

    const result = await runInUnitOfWork(this.o.knex, async trx => {
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
      assertDecisionAllowed(verdict);
      assertPermissionAdmits(permission, current);

      await this.o.decisions.add(
        { requestId, actor: caller.userEntityRef, decision, reason, at },
        trx,
      );
      const decisions = [
        ...existing,
        { actor: caller.userEntityRef, decision, reason, at },
      ];
      await approversNow(existing); // anyone who decided since the lookup above
      const outcome = approvalOutcome(decisions, required, { isApproverNow });

      // Also a partial approval goes through the compare-and-set, so the
      // request record carries every decision and a request cancelled
      // meanwhile is a conflict rather than a silent extra row.
      const updated = await this.o.requests.transition(
        requestId,
        ['pending'],
        outcome.state,
        outcome.state === 'denied'
          ? { decisions, failureReason: reason }
          : { decisions },
        trx,
      );
      if (!updated) {
        throw new ConflictError(
          'The request changed state meanwhile; nothing was decided.',
        );
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
                  outcome.notCounted.length
                    ? ` (not counted, no longer approvers: ${outcome.notCounted.join(
                        ', ',
                      )})`
                    : ''
                }${
                  outcome.state === 'approved'
                    ? '; request approved'
                    : '; still pending'
                }${reason ? `: ${reason}` : ''}`,
        },
        trx,
      );
      return { request: { ...updated, decisions }, state: outcome.state };
    });

    if (result.state !== 'pending') {
      await this.o.notifier.requestDecided(result.request);
    }
    if (result.state === 'approved') {
      const fresh = await issueAfterApproval(
        this.o,
        requestId,
        this.o.issuanceWaitMs,
      );
      return {
        ...(fresh ?? result.request),
        decisions: result.request.decisions,
      };
    }
    return result.request;
  }

  /**
   * The next rows of the caller's queue in the database's order, after
   * `after`: at most `limit`, each marked visible unless a rule checked on
   * the loaded request (the same as the query's) refuses it after all.
   * `mayHaveMore` when the page is full.
   */
  async queuePage(
    caller: CallerIdentity,
    filter: QueueFilter,
    page: { limit: number; after?: QueuePosition },
  ): Promise<{
    rows: Array<{ request: CertificateRequest; visible: boolean }>;
    mayHaveMore: boolean;
  }> {
    const query = await this.queueFilter(caller, filter);
    if (!query) return { rows: [], mayHaveMore: false };
    const pending = await this.o.queue.page(query, page);
    const decisions = await this.o.decisions.listForRequests(
      pending.map(r => r.id),
    );
    const rows = pending.map(stored => {
      const r = { ...stored, decisions: decisions.get(stored.id) ?? [] };
      const policy = this.policyFor(r);
      const visible = canDecide({
        request: r,
        actor: caller.userEntityRef,
        actorGroups: caller.ownershipEntityRefs,
        policy,
      }).allowed;
      const request: CertificateRequest = {
        ...r,
        approvers: policy.approvals?.approvers ?? r.approvers,
        approvalsRequired: policy.approvals?.required ?? r.approvalsRequired,
        approvability: this.approvabilityOf(r),
      };
      return { request, visible };
    });
    return { rows, mayHaveMore: pending.length >= page.limit };
  }

  /** How many requests wait for this caller: one COUNT, nothing loaded. */
  async count(
    caller: CallerIdentity,
    filter: QueueFilter = {},
  ): Promise<number> {
    const query = await this.queueFilter(caller, filter);
    return query ? this.o.queue.count(query) : 0;
  }

  /**
   * The caller's queue as a query: the permission's conditions, the
   * filters, and the policies whose approvers include them now.
   * Undefined when the permission is denied.
   */
  private async queueFilter(
    caller: CallerIdentity,
    filter: QueueFilter,
  ): Promise<ApproverQueueFilter | undefined> {
    const permission = await approvePermissionOf(this.o.permissions, caller);
    if (permission === false) return undefined;
    const minAgeMs =
      filter.minAgeHours !== undefined
        ? filter.minAgeHours * 3_600_000
        : undefined;
    const configured = this.o.policies.filter(
      p => p.approvals?.approvers !== undefined,
    );
    return {
      permission: permission === true ? undefined : permission,
      issuers: filter.issuer?.length ? filter.issuer : undefined,
      owners: filter.owner?.length ? filter.owner : undefined,
      createdBefore:
        minAgeMs !== undefined
          ? new Date(this.now().getTime() - minAgeMs).toISOString()
          : undefined,
      actor: caller.userEntityRef,
      actorRefs: caller.ownershipEntityRefs,
      approverPolicies: configured
        .filter(p =>
          p.approvals!.approvers!.some(g =>
            caller.ownershipEntityRefs.some(ref => sameRef(ref, g)),
          ),
        )
        .map(p => p.name),
      configuredPolicies: configured.map(p => p.name),
    };
  }

  /** Requests the caller decided, newest decision first. */
  async history(
    caller: CallerIdentity,
    limit = 100,
  ): Promise<CertificateRequest[]> {
    const mine = await this.o.decisions.listByActor(
      caller.userEntityRef,
      limit,
    );
    const ids = [...new Set(mine.map(d => d.requestId))];
    if (ids.length === 0) return [];
    const requests = new Map(
      (await this.o.requests.listByIds(ids)).map(r => [r.id, r]),
    );
    const decisions = await this.o.decisions.listForRequests(ids);
    return ids
      .filter(id => requests.has(id))
      .map(id => ({
        ...requests.get(id)!,
        decisions: decisions.get(id) ?? [],
      }));
  }
}
