import {
  CertificateRequest,
  RequestState,
} from '@internal/plugin-certificates-common';
import { Knex } from 'knex';
import {
  ApprovalIssuancePort,
  ApprovalRequestsPort,
  PendingFilter,
} from '../ports';
import { matchesRequestCriteria } from '../requestPermissions';

const TABLE = 'test_approval_requests';

/**
 * A minimal request store for approval tests: one row per request with a
 * real compare-and-set on the state column, in the caller's transaction.
 */
export class TableRequests implements ApprovalRequestsPort {
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

  async get(id: string, trx?: Knex.Transaction) {
    const row = await (trx ?? this.knex)(TABLE).where({ id }).first();
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

  async listByIds(ids: string[]) {
    return (await this.knex(TABLE).whereIn('id', ids)).map(toRequest);
  }

  async transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    patch: Partial<CertificateRequest>,
    trx?: Knex.Transaction,
  ) {
    const db = trx ?? this.knex;
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
