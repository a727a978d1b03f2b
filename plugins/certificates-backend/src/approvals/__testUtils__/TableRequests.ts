import {
  CertificateRequest,
  RequestState,
  sameRef,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  ApprovalIssuancePort,
  ApprovalQueuePort,
  ApprovalRequestsPort,
  ApproverDirectory,
  ApproverQueueFilter,
  PendingFilter,
  QueuePosition,
} from '../ports';
import { matchesRequestCriteria } from '../../permissions';
import { transactionOf, UnitOfWork } from '../../database';

const TABLE = 'test_approval_requests';

/**
 * A minimal request store for approval tests: one row per request with a
 * real compare-and-set on the state column, in the caller's transaction.
 */
export class TableRequests implements ApprovalRequestsPort, ApprovalQueuePort {
  static async create(knex: Knex): Promise<TableRequests> {
    if (!(await knex.schema.hasTable(TABLE))) {
      await knex.schema.createTable(TABLE, t => {
        t.string('id', 64).primary();
        t.string('state', 16).notNullable();
        t.text('body').notNullable();
      });
    }
    return new TableRequests(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async add(request: CertificateRequest): Promise<void> {
    await this.knex(TABLE).insert({
      id: request.id,
      state: request.state,
      body: JSON.stringify(request),
    });
  }

  async get(id: string, uow?: UnitOfWork) {
    const row = await (transactionOf(uow) ?? this.knex)(TABLE)
      .where({ id })
      .first();
    return row ? toRequest(row) : undefined;
  }

  async listPending(filter: PendingFilter = {}) {
    return (await this.knex(TABLE).where('state', 'pending'))
      .map(toRequest)
      .filter(
        r =>
          (!filter.permission ||
            matchesRequestCriteria(filter.permission, r)) &&
          (!filter.issuers || filter.issuers.includes(r.issuer)) &&
          (!filter.owners ||
            matchesRequestCriteria(
              { property: 'ownerRef', values: filter.owners },
              r,
            )) &&
          (!filter.createdBefore || r.createdAt <= filter.createdBefore),
      )
      .sort(
        (a, b) =>
          a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
  }

  /** The queue's rules as `DatabaseApprovalQueue` applies them, in memory. */
  async page(
    filter: ApproverQueueFilter,
    options: { limit: number; after?: QueuePosition },
  ) {
    const after = options.after;
    return (await this.queued(filter))
      .filter(
        r =>
          !after ||
          r.createdAt > after[0] ||
          (r.createdAt === after[0] && r.id > after[1]),
      )
      .slice(0, options.limit);
  }

  async count(filter: ApproverQueueFilter) {
    return (await this.queued(filter)).length;
  }

  private async queued(filter: ApproverQueueFilter) {
    const decided = new Set(
      (
        await this.knex('certificates_approval_decisions')
          .where({ actor_key: filter.actor.toLocaleLowerCase('en-US') })
          .select('request_id')
      ).map(row => row.request_id as string),
    );
    const member = (groups: string[]) =>
      groups.some(g => filter.actorRefs.some(ref => sameRef(ref, g)));
    return (await this.listPending(filter)).filter(
      r =>
        !sameRef(r.requester, filter.actor) &&
        !decided.has(r.id) &&
        (filter.approverPolicies.includes(r.policyName) ||
          (!filter.configuredPolicies.includes(r.policyName) &&
            member(r.approvers))),
    );
  }

  async listByIds(ids: string[]) {
    return (await this.knex(TABLE).whereIn('id', ids)).map(toRequest);
  }

  async transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    patch: Partial<CertificateRequest>,
    uow?: UnitOfWork,
  ) {
    const db = transactionOf(uow) ?? this.knex;
    const current = await db(TABLE).where({ id }).first();
    if (!current) return undefined;
    const body = { ...toRequest(current), ...patch, state: to };
    const changed = await db(TABLE)
      .where({ id })
      .whereIn('state', from)
      .update({ state: to, body: JSON.stringify(body) });
    return changed === 1 ? body : undefined;
  }
}

function toRequest(row: { state: string; body: string }): CertificateRequest {
  return { ...JSON.parse(row.body), state: row.state };
}

/** Counts issuance calls; issues at most once per request, like the real one. */
export class CountingIssuance implements ApprovalIssuancePort {
  readonly calls = new Map<string, number>();
  readonly issued = new Map<string, number>();

  constructor(private readonly requests: TableRequests) {}

  async issueApproved(requestId: string): Promise<void> {
    this.calls.set(requestId, (this.calls.get(requestId) ?? 0) + 1);
    const moved = await this.requests.transition(
      requestId,
      ['approved'],
      'issuing',
      {},
    );
    if (!moved) return;
    this.issued.set(requestId, (this.issued.get(requestId) ?? 0) + 1);
    await this.requests.transition(requestId, ['issuing'], 'issued', {
      serialNumber: '01',
    });
  }
}

let counter = 0;
export function pendingRequest(
  overrides: Partial<CertificateRequest> = {},
): CertificateRequest {
  counter += 1;
  return {
    id: `req-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    entityRef: 'component:default/payments',
    ownerRef: 'group:default/team-a',
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com'],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 90,
    issuer: 'builtin',
    delivery: { kind: 'csr' },
    state: 'pending',
    requester: 'user:default/dev',
    requesterIsOwner: false,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    policyName: 'internal',
    pendingReason: 'policy internal requires approval',
    approvalsRequired: 1,
    approvers: ['group:default/security'],
    decisions: [],
    ...overrides,
  };
}

/**
 * Group membership as a table the test may change while it runs; anyone
 * not set belongs to `defaultGroups`.
 */
export class MemoryDirectory implements ApproverDirectory {
  readonly lookups: string[] = [];
  private readonly groups = new Map<string, string[]>();
  constructor(private readonly defaultGroups: string[] = []) {}

  set(user: string, groups: string[]): void {
    this.groups.set(user.toLocaleLowerCase('en-US'), groups);
  }

  async ownershipRefsOf(userEntityRef: string): Promise<string[]> {
    this.lookups.push(userEntityRef);
    const groups =
      this.groups.get(userEntityRef.toLocaleLowerCase('en-US')) ??
      this.defaultGroups;
    return [userEntityRef, ...groups];
  }
}
