import { ConflictError } from '@backstage/errors';
import { ApprovalDecision } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { transactionOf, UnitOfWork } from '../database/unitOfWork';

export interface StoredDecision extends ApprovalDecision {
  requestId: string;
}

type Row = {
  request_id: string;
  actor: string;
  decision: string;
  reason: string | null;
  at: string;
};

const DECISIONS = 'certificates_approval_decisions';
const LOCKS = 'certificates_approval_locks';

/**
 * Decisions on requests. The unique (request_id, actor) constraint is what
 * makes "one person counts once" hold under concurrency.
 */
export class DatabaseDecisionStore {
  static create(options: { knex: Knex }): DatabaseDecisionStore {
    return new DatabaseDecisionStore(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  /**
   * Takes the per-request decision lock for the rest of `uow`: concurrent
   * deciders of one request queue here, so each sees the others' decisions.
   */
  async lock(requestId: string, uow: UnitOfWork): Promise<void> {
    const trx = transactionOf(uow);
    await trx(LOCKS)
      .insert({ request_id: requestId, decisions: 0 })
      .onConflict('request_id')
      .ignore();
    await trx(LOCKS).where({ request_id: requestId }).increment('decisions', 1);
  }

  /** Adds a decision; ConflictError when this person already decided. */
  async add(decision: StoredDecision, uow: UnitOfWork): Promise<void> {
    try {
      await transactionOf(uow)(DECISIONS).insert({
        request_id: decision.requestId,
        actor: decision.actor,
        actor_key: decision.actor.toLocaleLowerCase('en-US'),
        decision: decision.decision,
        reason: decision.reason ?? null,
        at: decision.at,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('You have already decided on this request.');
      }
      throw error;
    }
  }

  async listForRequest(
    requestId: string,
    uow?: UnitOfWork,
  ): Promise<ApprovalDecision[]> {
    const rows: Row[] = await (transactionOf(uow) ?? this.knex)(DECISIONS)
      .where({ request_id: requestId })
      .orderBy('seq', 'asc');
    return rows.map(toDecision);
  }

  async listForRequests(
    requestIds: string[],
  ): Promise<Map<string, ApprovalDecision[]>> {
    const result = new Map<string, ApprovalDecision[]>();
    for (let i = 0; i < requestIds.length; i += 500) {
      const rows: Row[] = await this.knex(DECISIONS)
        .whereIn('request_id', requestIds.slice(i, i + 500))
        .orderBy('seq', 'asc');
      for (const row of rows) {
        const list = result.get(row.request_id) ?? [];
        list.push(toDecision(row));
        result.set(row.request_id, list);
      }
    }
    return result;
  }

  /** Decisions by one person, newest first. */
  async listByActor(actor: string, limit = 200): Promise<StoredDecision[]> {
    const rows: Row[] = await this.knex(DECISIONS)
      .where({ actor_key: actor.toLocaleLowerCase('en-US') })
      .orderBy('seq', 'desc')
      .limit(limit);
    return rows.map(row => ({ ...toDecision(row), requestId: row.request_id }));
  }
}

function toDecision(row: Row): ApprovalDecision {
  return {
    actor: row.actor,
    decision: row.decision as ApprovalDecision['decision'],
    at: row.at,
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /unique constraint/i.test(e?.message ?? '')
  );
}
