import { ConflictError } from '@backstage/errors';
import {
  TrustChange,
  TrustChangeDecision,
  TrustRoot,
  TrustTargetStatus,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { runInUnitOfWork, transactionOf, UnitOfWork } from '../database';
import { SettledState, TrustStore, TrustTargetRecord } from './TrustStore';

const ROOTS = 'certificates_trust_roots';
const CHANGES = 'certificates_trust_changes';
const DECISIONS = 'certificates_trust_decisions';
const TARGETS = 'certificates_trust_targets';

const rootOf = (r: any): TrustRoot => ({
  fingerprint: r.fingerprint,
  pem: r.pem,
  subject: r.subject,
  notAfter: r.not_after,
  source: r.source,
  addedAt: r.added_at,
  addedBy: r.added_by,
});

const rootRow = (r: TrustRoot, position = 0) => ({
  fingerprint: r.fingerprint,
  pem: r.pem,
  subject: r.subject,
  not_after: r.notAfter,
  source: r.source,
  added_at: r.addedAt,
  added_by: r.addedBy,
  removed_at: null,
  position,
});

function changeOf(r: any, decisions: any[]): TrustChange {
  return {
    id: r.id,
    action: r.action,
    fingerprint: r.fingerprint,
    subject: r.subject,
    ...(r.pem && { pem: r.pem }),
    requester: r.requester,
    reason: r.reason,
    state: r.state,
    required: Number(r.required),
    createdAt: r.created_at,
    ...(r.decided_at && { decidedAt: r.decided_at }),
    decisions: decisions
      .filter(d => d.change_id === r.id)
      .map(d => ({
        actor: d.actor,
        decision: d.decision,
        ...(d.reason && { reason: d.reason }),
        at: d.at,
      })),
  };
}

const targetOf = (r: any): TrustTargetRecord => ({
  cluster: r.cluster,
  namespace: r.namespace,
  kind: r.kind,
  name: r.name,
  state: r.state,
  ...(r.detail && { detail: r.detail }),
  checkedAt: r.checked_at,
  ...(r.uid && { uid: r.uid }),
  ...(r.written_hash && { writtenHash: r.written_hash }),
});

/** TrustStore on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseTrustStore implements TrustStore {
  static create(options: { knex: Knex }): DatabaseTrustStore {
    return new DatabaseTrustStore(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  private db(uow?: UnitOfWork): Knex | Knex.Transaction {
    return transactionOf(uow) ?? this.knex;
  }

  async seed(roots: TrustRoot[]): Promise<number> {
    if (!roots.length) return 0;
    // Insert-if-absent: another replica may seed at the same moment.
    const before = await this.countRoots();
    await this.knex(ROOTS)
      .insert(roots.map((r, i) => rootRow(r, i)))
      .onConflict('fingerprint')
      .ignore();
    return (await this.countRoots()) - before;
  }

  private async countRoots(): Promise<number> {
    const [{ n }] = await this.knex(ROOTS).count({ n: '*' });
    return Number(n);
  }

  async listRoots(): Promise<TrustRoot[]> {
    const rows = await this.knex(ROOTS)
      .whereNull('removed_at')
      .orderBy(['added_at', 'position', 'fingerprint']);
    return rows.map(rootOf);
  }

  async createChange(change: TrustChange, uow?: UnitOfWork): Promise<void> {
    await this.db(uow)(CHANGES).insert({
      id: change.id,
      action: change.action,
      fingerprint: change.fingerprint,
      subject: change.subject,
      pem: change.pem ?? null,
      requester: change.requester,
      reason: change.reason,
      state: change.state,
      required: change.required,
      created_at: change.createdAt,
      decided_at: null,
    });
  }

  private async withDecisions(
    db: Knex | Knex.Transaction,
    rows: any[],
  ): Promise<TrustChange[]> {
    if (!rows.length) return [];
    const decisions = await db(DECISIONS)
      .whereIn(
        'change_id',
        rows.map(r => r.id),
      )
      .orderBy(['at', 'actor']);
    return rows.map(r => changeOf(r, decisions));
  }

  getChange(id: string, uow?: UnitOfWork): Promise<TrustChange | undefined> {
    return this.firstChange({ id }, uow);
  }

  /** The first change matching `where`, with its decisions. */
  private async firstChange(
    where: { id: string } | { fingerprint: string; state: 'pending' },
    uow?: UnitOfWork,
  ): Promise<TrustChange | undefined> {
    const db = this.db(uow);
    const [change] = await this.withDecisions(
      db,
      await db(CHANGES).where(where).limit(1),
    );
    return change;
  }

  async listChanges(options: { limit?: number } = {}): Promise<TrustChange[]> {
    const limit = Math.min(options.limit ?? 100, 500);
    const pending = await this.knex(CHANGES)
      .where({ state: 'pending' })
      .orderBy(['created_at', 'id'])
      .limit(limit);
    const decided = await this.knex(CHANGES)
      .whereNot({ state: 'pending' })
      .orderBy([
        { column: 'decided_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(Math.max(0, limit - pending.length));
    return this.withDecisions(this.knex, [...pending, ...decided]);
  }

  findOpenChange(
    fingerprint: string,
    uow?: UnitOfWork,
  ): Promise<TrustChange | undefined> {
    return this.firstChange({ fingerprint, state: 'pending' }, uow);
  }

  async lockPending(
    id: string,
    uow: UnitOfWork,
  ): Promise<TrustChange | undefined> {
    // A no-op write takes the row lock on PostgreSQL; SQLite has one writer anyway.
    const locked = await transactionOf(uow)(CHANGES)
      .where({ id, state: 'pending' })
      .update({ state: 'pending' });
    return locked === 1 ? this.getChange(id, uow) : undefined;
  }

  async addDecision(
    changeId: string,
    decision: TrustChangeDecision,
    uow: UnitOfWork,
  ): Promise<boolean> {
    const inserted = await transactionOf(uow)(DECISIONS)
      .insert({
        change_id: changeId,
        // Refs are case-insensitive: the key must be too, so one person counts once.
        actor: decision.actor.toLocaleLowerCase('en-US'),
        decision: decision.decision,
        reason: decision.reason ?? null,
        at: decision.at,
      })
      .onConflict(['change_id', 'actor'])
      .ignore()
      .returning('change_id');
    return inserted.length > 0;
  }

  async settle(
    changeId: string,
    state: SettledState,
    at: string,
    uow: UnitOfWork,
  ): Promise<boolean> {
    const updated = await transactionOf(uow)(CHANGES)
      .where({ id: changeId, state: 'pending' })
      .update({ state, decided_at: at });
    return updated === 1;
  }

  async addRoot(root: TrustRoot, uow: UnitOfWork): Promise<void> {
    await transactionOf(uow)(ROOTS)
      .insert(rootRow(root))
      .onConflict('fingerprint')
      .merge();
  }

  async removeRoot(
    fingerprint: string,
    at: string,
    uow: UnitOfWork,
  ): Promise<void> {
    const updated = await transactionOf(uow)(ROOTS)
      .where({ fingerprint })
      .whereNull('removed_at')
      .update({ removed_at: at });
    if (updated !== 1) {
      throw new ConflictError(`Root ${fingerprint} is not an approved root`);
    }
  }

  inTransaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return runInUnitOfWork(this.knex, fn);
  }

  async getTarget(
    key: Pick<TrustTargetStatus, 'cluster' | 'namespace' | 'kind' | 'name'>,
  ): Promise<TrustTargetRecord | undefined> {
    const { cluster, namespace, kind, name } = key;
    const row = await this.knex(TARGETS)
      .where({ cluster, namespace, kind, name })
      .first();
    return row ? targetOf(row) : undefined;
  }

  async saveTarget(record: TrustTargetRecord): Promise<void> {
    await this.knex(TARGETS)
      .insert({
        cluster: record.cluster,
        namespace: record.namespace,
        kind: record.kind,
        name: record.name,
        uid: record.uid ?? null,
        written_hash: record.writtenHash ?? null,
        state: record.state,
        detail: record.detail ?? null,
        checked_at: record.checkedAt,
      })
      .onConflict(['cluster', 'namespace', 'kind', 'name'])
      .merge();
  }

  async listTargets(): Promise<TrustTargetStatus[]> {
    const rows = await this.knex(TARGETS).orderBy([
      'cluster',
      'namespace',
      'kind',
      'name',
    ]);
    return rows.map(r => {
      const { uid: _uid, writtenHash: _hash, ...status } = targetOf(r);
      return status;
    });
  }
}
