import {
  CertificateRequest,
  RequestState,
  refusedTransitions,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  runInUnitOfWork,
  transactionOf,
  UnitOfWork,
} from '../database/unitOfWork';
import { insertRows, SqliteCheckpointer } from '../database/sqlite';
import { requestLeases } from './requestLeases';
import { listPage, requestPages } from './requestPages';
import { applyRequestPermission } from './requestPermissionSql';
import {
  ALL_REQUEST_COLUMNS,
  REQUEST_COLUMNS as COLUMNS,
  REQUESTS_TABLE as TABLE,
  RequestRow,
  requestToRow,
  rowToRequest as toRequest,
  transitionToRow,
} from './requestRows';
import {
  IssuanceLease,
  LeasedRequest,
  NewRequest,
  RequestListFilter,
  RequestPatch,
  RequestStore,
  StateFilter,
  PendingFilter,
} from './RequestStore';

/**
 * Requests in the plugin's database (SQLite or PostgreSQL). Every change of
 * a request's state goes through `transition`, a compare-and-set that moves
 * only along REQUEST_TRANSITIONS.
 */
export class DatabaseRequestStore implements RequestStore {
  static create(options: {
    knex: Knex;
    now?: () => Date;
  }): DatabaseRequestStore {
    return new DatabaseRequestStore(
      options.knex,
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly knex: Knex,
    private readonly now: () => Date,
  ) {}

  async create(
    request: NewRequest,
    uow?: UnitOfWork,
  ): Promise<CertificateRequest> {
    const row = requestToRow(request, this.now().toISOString());
    await (transactionOf(uow) ?? this.knex)(TABLE).insert(row);
    return toRequest(row);
  }

  async createMany(
    requests: NewRequest[],
    uow?: UnitOfWork,
  ): Promise<CertificateRequest[]> {
    const at = this.now().toISOString();
    const rows = requests.map(r => requestToRow(r, at));
    await insertRows(
      transactionOf(uow) ?? this.knex,
      TABLE,
      ALL_REQUEST_COLUMNS,
      rows.map(row => ALL_REQUEST_COLUMNS.map(c => row[c])),
    );
    return rows.map(toRequest);
  }

  async transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    // An issuing batch is a large write: past the log's limit it waits, as
    // the inventory's writes do, for the log to be copied whole.
    const pause = SqliteCheckpointer.pauseFor(this.knex);
    if (pause) await pause;
    return runInUnitOfWork(this.knex, fn);
  }

  async get(
    id: string,
    uow?: UnitOfWork,
  ): Promise<CertificateRequest | undefined> {
    const row = await (transactionOf(uow) ?? this.knex)(TABLE)
      .where({ id })
      .first(COLUMNS);
    return row ? toRequest(row as unknown as RequestRow) : undefined;
  }

  getChainPem(id: string): Promise<string | undefined> {
    return this.pemOf(id, 'chain_pem');
  }

  /** One PEM column of a request, read alone: COLUMNS leaves the large ones out. */
  private async pemOf(
    id: string,
    column: 'chain_pem' | 'csr_pem',
  ): Promise<string | undefined> {
    const row = await this.knex<RequestRow>(TABLE).where({ id }).first(column);
    return row?.[column] ?? undefined;
  }

  async recordRevocation(
    id: string,
    revocation: { at: string; reason: string },
    uow?: UnitOfWork,
  ): Promise<CertificateRequest | undefined> {
    const db = transactionOf(uow) ?? this.knex;
    const updated = await db(TABLE)
      .where({ id, state: 'issued' })
      .whereNull('revoked_at')
      .update({
        revoked_at: revocation.at,
        revocation_reason: revocation.reason,
        updated_at: revocation.at,
      });
    return updated ? this.get(id, uow) : undefined;
  }

  async countOpen(requester: string): Promise<number> {
    // Exact match on the (requester, state) index: requester refs are
    // written from user info, the same string for the same user.
    const [row] = await this.knex(TABLE)
      .where('requester', requester)
      .whereIn('state', ['pending', 'approved', 'issuing'])
      .count({ n: '*' });
    return Number(row?.n ?? 0);
  }

  async findOpenRenewal(
    lineage: string,
  ): Promise<CertificateRequest | undefined> {
    const row = await this.knex(TABLE)
      .where({ renewal_of: lineage })
      .whereIn('state', ['pending', 'approved', 'issuing'])
      .orderBy('created_at', 'asc')
      .first(COLUMNS);
    return row ? toRequest(row as unknown as RequestRow) : undefined;
  }

  async findNewerInLineage(
    request: CertificateRequest,
  ): Promise<CertificateRequest | undefined> {
    const lineage = request.renewalOf ?? request.id;
    const row = await this.knex(TABLE)
      .where(q => q.where('renewal_of', lineage).orWhere('id', lineage))
      .whereNot('id', request.id)
      .where('created_at', '>=', request.createdAt)
      .whereIn('state', ['pending', 'approved', 'issuing', 'issued'])
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first(COLUMNS);
    return row ? toRequest(row as unknown as RequestRow) : undefined;
  }

  getCsrPem(id: string): Promise<string | undefined> {
    return this.pemOf(id, 'csr_pem');
  }

  list(filter: RequestListFilter) {
    return listPage(this.knex, filter);
  }

  async listPending(filter: PendingFilter = {}): Promise<CertificateRequest[]> {
    const found: CertificateRequest[] = [];
    const pages = requestPages(this.knex, query => {
      query.where('state', 'pending');
      if (filter.permission) applyRequestPermission(query, filter.permission);
      if (filter.issuers) query.whereIn('issuer', filter.issuers);
      if (filter.owners) {
        // The same case-insensitive match as an isEntityOwner condition.
        applyRequestPermission(query, {
          property: 'ownerRef',
          values: filter.owners,
        });
      }
      if (filter.createdBefore) {
        query.where('created_at', '<=', filter.createdBefore);
      }
    });
    for await (const page of pages) found.push(...page);
    return found;
  }

  pagesByState(filter: StateFilter): AsyncIterable<CertificateRequest[]> {
    return requestPages(this.knex, query => {
      query.whereIn('state', filter.states);
      if (filter.updatedBefore) {
        query.where('updated_at', '<', filter.updatedBefore);
      }
      if (filter.deliveryKinds) {
        query.whereIn('delivery_kind', filter.deliveryKinds);
      }
      if (filter.exceptDeliveryKinds?.length) {
        query.whereNotIn('delivery_kind', filter.exceptDeliveryKinds);
      }
      if (filter.notRevoked) {
        query.whereNull('revoked_at');
      }
      if (filter.leaseFreeAt) {
        requestLeases.whereFree(query, filter.leaseFreeAt);
      }
    });
  }

  async listByIds(ids: string[]): Promise<CertificateRequest[]> {
    if (!ids.length) {
      return [];
    }
    const rows = (await this.knex(TABLE)
      .select(COLUMNS)
      .whereIn('id', ids)) as RequestRow[];
    return rows.map(toRequest);
  }

  async listIssuedWithoutCertificate(
    limit: number,
  ): Promise<CertificateRequest[]> {
    const rows = (await this.knex(TABLE)
      .select(COLUMNS)
      .where({ state: 'issued', delivery_kind: 'csr' })
      .whereNull('certificate_id')
      .orderBy('created_at', 'asc')
      .limit(limit)) as RequestRow[];
    return rows.map(toRequest);
  }

  async linkCertificates(
    links: Array<{ requestId: string; certificateId: string }>,
  ): Promise<void> {
    const at = this.now().toISOString();
    // The state is tested in the SET, not the WHERE: with `state = ?` in
    // the WHERE, SQLite's planner walks the state index (every issued
    // request) instead of looking the ids up by key.
    const issued = `"state" = 'issued'`;
    // 200 links bind 401 values: far below every database's limit.
    for (let i = 0; i < links.length; i += 200) {
      const batch = links.slice(i, i + 200);
      const cases = batch.map(() => 'when ? then ?').join(' ');
      await this.knex.raw(
        `update "${TABLE}" set ` +
          `"certificate_id" = case when ${issued} then case "id" ${cases} end else "certificate_id" end, ` +
          `"updated_at" = case when ${issued} then ? else "updated_at" end ` +
          `where "id" in (${batch.map(() => '?').join(', ')})`,
        [
          ...batch.flatMap(l => [l.requestId, l.certificateId]),
          at,
          ...batch.map(l => l.requestId),
        ],
      );
    }
  }

  async transition(
    id: string,
    from: RequestState[],
    to: RequestState,
    patch: RequestPatch,
    uow?: UnitOfWork,
  ): Promise<CertificateRequest | undefined> {
    const refused = refusedTransitions(from, to);
    if (refused.length) {
      // A caller asking for a move the rules forbid is a bug, not a race:
      // fail before the database is touched rather than report "not moved".
      throw new Error(
        `Request ${id}: no transition from ${refused.join(', ')} to ${to}`,
      );
    }
    const db = transactionOf(uow) ?? this.knex;
    const update = transitionToRow(to, patch, this.now().toISOString());
    const query = db(TABLE).where({ id }).whereIn('state', from);
    const released =
      patch.releaseLeaseOf !== undefined
        ? requestLeases.settleUnder(query, patch.releaseLeaseOf)
        : {};
    // RETURNING (PostgreSQL, SQLite ≥ 3.35) saves reading the row back.
    const [row] = (await query.update(
      { ...update, ...released },
      COLUMNS,
    )) as unknown as RequestRow[];
    return row ? toRequest(row) : undefined;
  }

  async acquireLease(
    id: string,
    lease: IssuanceLease,
    options: { states: RequestState[]; now: string },
  ): Promise<LeasedRequest | undefined> {
    const row = await requestLeases.acquire(this.knex, id, lease, {
      ...options,
      columns: [...COLUMNS, 'signed_fingerprint', 'pending_key_fingerprint'],
    });
    return row
      ? {
          request: toRequest(row as unknown as RequestRow),
          signedFingerprint:
            (row.signed_fingerprint as string | null) ?? undefined,
          pendingKeyFingerprint:
            (row.pending_key_fingerprint as string | null) ?? undefined,
        }
      : undefined;
  }

  renewLease(id: string, lease: IssuanceLease): Promise<boolean> {
    return requestLeases.renew(this.knex, id, lease);
  }

  releaseLease(id: string, owner: string): Promise<void> {
    return requestLeases.release(this.knex, id, owner);
  }

  recordSigned(
    id: string,
    owner: string,
    fingerprint: string,
  ): Promise<boolean> {
    return requestLeases.recordSigned(this.knex, id, owner, fingerprint);
  }

  recordPendingKey(
    id: string,
    owner: string,
    fingerprint: string,
  ): Promise<boolean> {
    return requestLeases.recordPendingKey(this.knex, id, owner, fingerprint);
  }
}
