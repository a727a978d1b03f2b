import {
  CertificateRequest,
  RequestState,
} from '@internal/plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { Knex } from 'knex';
import type { RequestQuery } from '../approvals/requestPermissions';
import type { PendingFilter } from '../approvals/ports';
import { newRequestId } from './requestId';
import { insertRows } from '../database/insertRows';
import { SqliteCheckpointer } from '../database/SqliteCheckpointer';
import { requestLeases } from './requestLeases';
import {
  IssuanceLease,
  LeasedRequest,
  NewRequest,
  RequestListFilter,
  RequestPatch,
  RequestStore,
  StateFilter,
} from './RequestStore';

const TABLE = 'certificates_requests';

interface RequestRow {
  id: string;
  entity_ref: string;
  requester: string;
  owner_ref: string | null;
  requester_is_owner: boolean | number;
  policy_name: string;
  approvals_required: number;
  approvers: string;
  common_name: string | null;
  dns_names: string;
  ip_addresses: string;
  uris: string;
  key_algorithm: string;
  validity_days: number;
  issuer: string;
  client_auth: boolean | number;
  justification: string | null;
  delivery_kind: string;
  delivery_cluster: string | null;
  delivery_namespace: string | null;
  delivery_secret_name: string | null;
  csr_pem: string | null;
  csr_fingerprint: string | null;
  renewal_of: string | null;
  in_cluster: string | null;
  created_at: string;
  state: string;
  pending_reason: string | null;
  decisions: string;
  failure_reason: string | null;
  certificate_id: string | null;
  serial_number: string | null;
  not_after: string | null;
  chain_pem: string | null;
  updated_at: string;
  revoked_at: string | null;
  revocation_reason: string | null;
}

/** Every column but the large ones, for lists and reads. */
const COLUMNS = [
  'id',
  'entity_ref',
  'requester',
  'owner_ref',
  'requester_is_owner',
  'policy_name',
  'approvals_required',
  'approvers',
  'common_name',
  'dns_names',
  'ip_addresses',
  'uris',
  'key_algorithm',
  'validity_days',
  'issuer',
  'client_auth',
  'justification',
  'delivery_kind',
  'delivery_cluster',
  'delivery_namespace',
  'delivery_secret_name',
  'csr_fingerprint',
  'renewal_of',
  'in_cluster',
  'created_at',
  'state',
  'pending_reason',
  'decisions',
  'failure_reason',
  'certificate_id',
  'serial_number',
  'not_after',
  'updated_at',
  'revoked_at',
  'revocation_reason',
];

/** Every column, in insert order. */
const ALL_COLUMNS: ReadonlyArray<keyof RequestRow> = [
  ...COLUMNS,
  'csr_pem',
  'chain_pem',
] as Array<keyof RequestRow>;

function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function toRequest(row: RequestRow): CertificateRequest {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    requester: row.requester,
    ownerRef: opt(row.owner_ref),
    requesterIsOwner: Boolean(row.requester_is_owner),
    policyName: row.policy_name,
    approvalsRequired: Number(row.approvals_required),
    approvers: JSON.parse(row.approvers),
    commonName: opt(row.common_name),
    dnsNames: JSON.parse(row.dns_names),
    ipAddresses: JSON.parse(row.ip_addresses),
    uris: JSON.parse(row.uris),
    keyAlgorithm: row.key_algorithm as CertificateRequest['keyAlgorithm'],
    validityDays: Number(row.validity_days),
    issuer: row.issuer,
    clientAuth: Boolean(row.client_auth),
    justification: opt(row.justification),
    delivery: {
      kind: row.delivery_kind as CertificateRequest['delivery']['kind'],
      cluster: opt(row.delivery_cluster),
      namespace: opt(row.delivery_namespace),
      secretName: opt(row.delivery_secret_name),
      csrFingerprint: opt(row.csr_fingerprint),
    },
    renewalOf: opt(row.renewal_of),
    inCluster: row.in_cluster ? JSON.parse(row.in_cluster) : undefined,
    createdAt: row.created_at,
    state: row.state as RequestState,
    pendingReason: opt(row.pending_reason),
    decisions: JSON.parse(row.decisions),
    failureReason: opt(row.failure_reason),
    certificateId: opt(row.certificate_id),
    serialNumber: opt(row.serial_number),
    notAfter: opt(row.not_after),
    updatedAt: row.updated_at,
    revokedAt: opt(row.revoked_at),
    revocationReason: opt(row.revocation_reason),
  };
}

/** Rows per query when reading every matching request. */
const PAGE = 500;

const QUERY_COLUMNS: Record<RequestQuery['property'], string> = {
  requester: 'requester',
  issuer: 'issuer',
  ownerRef: 'owner_ref',
  entityRef: 'entity_ref',
};

/**
 * Adds permission conditions as SQL, with the same case-insensitive match
 * as `matchesRequestCriteria` (a null column never matches).
 */
function applyPermission(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<RequestQuery>,
): void {
  if (isAndCriteria(criteria)) {
    query.where(q => {
      for (const c of criteria.allOf)
        q.andWhere(sub => applyPermission(sub, c));
    });
  } else if (isOrCriteria(criteria)) {
    query.where(q => {
      for (const c of criteria.anyOf) q.orWhere(sub => applyPermission(sub, c));
    });
  } else if (isNotCriteria(criteria)) {
    query.whereNot(q => applyPermission(q, criteria.not));
  } else {
    const column = QUERY_COLUMNS[criteria.property];
    const values = criteria.values.map(v => v.toLocaleLowerCase('en-US'));
    if (!column || !values.length) {
      query.whereRaw('1 = 0');
    } else {
      query
        .whereNotNull(column)
        .whereIn(query.client.raw(`LOWER(${column})`), values);
    }
  }
}

function encodeCursor(row: { created_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) && value.length === 2
      ? (value as [string, string])
      : undefined;
  } catch {
    return undefined;
  }
}

/** Requests in the plugin's database (SQLite or PostgreSQL). */
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
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest> {
    const row = this.toRow(request, this.now().toISOString());
    await (trx ?? this.knex)(TABLE).insert(row);
    return toRequest(row);
  }

  async createMany(
    requests: NewRequest[],
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest[]> {
    const at = this.now().toISOString();
    const rows = requests.map(r => this.toRow(r, at));
    await insertRows(
      trx ?? this.knex,
      TABLE,
      ALL_COLUMNS,
      rows.map(row => ALL_COLUMNS.map(c => row[c])),
    );
    return rows.map(toRequest);
  }

  private toRow(request: NewRequest, at: string): RequestRow {
    return {
      id: request.id ?? newRequestId(),
      entity_ref: request.entityRef,
      requester: request.requester,
      owner_ref: request.ownerRef ?? null,
      requester_is_owner: request.requesterIsOwner === true,
      policy_name: request.policyName,
      approvals_required: request.approvalsRequired,
      approvers: JSON.stringify(request.approvers),
      common_name: request.commonName ?? null,
      dns_names: JSON.stringify(request.dnsNames),
      ip_addresses: JSON.stringify(request.ipAddresses ?? []),
      uris: JSON.stringify(request.uris ?? []),
      key_algorithm: request.keyAlgorithm,
      validity_days: request.validityDays,
      issuer: request.issuer,
      client_auth: !!request.clientAuth,
      justification: request.justification ?? null,
      delivery_kind: request.delivery.kind,
      delivery_cluster: request.delivery.cluster ?? null,
      delivery_namespace: request.delivery.namespace ?? null,
      delivery_secret_name: request.delivery.secretName ?? null,
      csr_pem: request.csrPem ?? null,
      csr_fingerprint: request.delivery.csrFingerprint ?? null,
      renewal_of: request.renewalOf ?? null,
      in_cluster: request.inCluster ? JSON.stringify(request.inCluster) : null,
      created_at: at,
      state: request.state,
      pending_reason: request.pendingReason ?? null,
      decisions: '[]',
      failure_reason: request.failureReason ?? null,
      certificate_id: request.certificateId ?? null,
      serial_number: request.serialNumber ?? null,
      not_after: request.notAfter ?? null,
      chain_pem: request.chainPem ?? null,
      updated_at: at,
      revoked_at: null,
      revocation_reason: null,
    };
  }

  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    // An issuing batch is a large write: past the log's limit it waits, as
    // the inventory's writes do, for the log to be copied whole.
    const pause = SqliteCheckpointer.pauseFor(this.knex);
    if (pause) await pause;
    return this.knex.transaction(fn);
  }

  async get(
    id: string,
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest | undefined> {
    const row = await (trx ?? this.knex)(TABLE).where({ id }).first(COLUMNS);
    return row ? toRequest(row as unknown as RequestRow) : undefined;
  }

  async getChainPem(id: string): Promise<string | undefined> {
    const row = await this.knex<RequestRow>(TABLE)
      .where({ id })
      .first('chain_pem');
    return row?.chain_pem ?? undefined;
  }

  async recordRevocation(
    id: string,
    revocation: { at: string; reason: string },
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest | undefined> {
    const db = trx ?? this.knex;
    const updated = await db(TABLE)
      .where({ id, state: 'issued' })
      .whereNull('revoked_at')
      .update({
        revoked_at: revocation.at,
        revocation_reason: revocation.reason,
        updated_at: revocation.at,
      });
    return updated ? this.get(id, trx) : undefined;
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

  async getCsrPem(id: string): Promise<string | undefined> {
    const row = await this.knex<RequestRow>(TABLE)
      .where({ id })
      .first('csr_pem');
    return row?.csr_pem ?? undefined;
  }

  async list(filter: RequestListFilter) {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    const query = this.knex(TABLE).select(COLUMNS);
    if (filter.entityRef) {
      query.whereRaw('LOWER(entity_ref) = ?', [filter.entityRef.toLowerCase()]);
    }
    if (filter.state?.length) {
      query.whereIn('state', filter.state);
    }
    if (filter.requester) {
      query.whereRaw('LOWER(requester) = ?', [filter.requester.toLowerCase()]);
    }
    if (filter.permission) {
      applyPermission(query, filter.permission);
    }
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    if (cursor) {
      query.where(q =>
        q
          .where('created_at', '<', cursor[0])
          .orWhere(q2 =>
            q2
              .where('created_at', '=', cursor[0])
              .andWhere('id', '<', cursor[1]),
          ),
      );
    }
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1)) as RequestRow[];
    const page = rows.slice(0, limit);
    return {
      items: page.map(toRequest),
      nextCursor:
        rows.length > limit ? encodeCursor(page[page.length - 1]) : undefined,
    };
  }

  async listPending(filter: PendingFilter = {}): Promise<CertificateRequest[]> {
    const found: CertificateRequest[] = [];
    const pages = this.pages(query => {
      query.where('state', 'pending');
      if (filter.permission) applyPermission(query, filter.permission);
      if (filter.issuers) query.whereIn('issuer', filter.issuers);
      if (filter.owners) {
        // The same case-insensitive match as an isEntityOwner condition.
        applyPermission(query, { property: 'ownerRef', values: filter.owners });
      }
      if (filter.createdBefore) {
        query.where('created_at', '<=', filter.createdBefore);
      }
    });
    for await (const page of pages) found.push(...page);
    return found;
  }

  pagesByState(filter: StateFilter): AsyncIterable<CertificateRequest[]> {
    return this.pages(query => {
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

  /**
   * Every row `where` selects, in pages of PAGE in (created_at, id) order:
   * no cap, and no offset to walk again. Each page is one query for the
   * rows after the last one of the page before, run when that page has
   * been consumed.
   */
  private async *pages(
    where: (query: Knex.QueryBuilder) => void,
  ): AsyncGenerator<CertificateRequest[]> {
    let after: RequestRow | undefined;
    for (;;) {
      const query = this.knex(TABLE).select(COLUMNS);
      where(query);
      if (after) {
        const last = after;
        query.where(q =>
          q
            .where('created_at', '>', last.created_at)
            .orWhere(q2 =>
              q2.where('created_at', last.created_at).where('id', '>', last.id),
            ),
        );
      }
      const rows = (await query
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(PAGE)) as RequestRow[];
      if (rows.length) yield rows.map(toRequest);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1];
    }
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
    trx?: Knex.Transaction,
  ): Promise<CertificateRequest | undefined> {
    const db = trx ?? this.knex;
    const update: Partial<RequestRow> = {
      state: to,
      updated_at: this.now().toISOString(),
    };
    if (patch.pendingReason !== undefined)
      update.pending_reason = patch.pendingReason;
    if (patch.decisions !== undefined)
      update.decisions = JSON.stringify(patch.decisions);
    if (patch.failureReason !== undefined)
      update.failure_reason = patch.failureReason;
    if (patch.certificateId !== undefined)
      update.certificate_id = patch.certificateId;
    if (patch.serialNumber !== undefined)
      update.serial_number = patch.serialNumber;
    if (patch.notAfter !== undefined) update.not_after = patch.notAfter;
    if (patch.chainPem !== undefined) update.chain_pem = patch.chainPem;
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
      columns: [...COLUMNS, 'signed_fingerprint'],
    });
    return row
      ? {
          request: toRequest(row as unknown as RequestRow),
          signedFingerprint: (row.signed_fingerprint as string | null) ?? undefined,
        }
      : undefined;
  }

  renewLease(id: string, lease: IssuanceLease): Promise<boolean> {
    return requestLeases.renew(this.knex, id, lease);
  }

  releaseLease(id: string, owner: string): Promise<void> {
    return requestLeases.release(this.knex, id, owner);
  }

  recordSigned(id: string, owner: string, fingerprint: string): Promise<boolean> {
    return requestLeases.recordSigned(this.knex, id, owner, fingerprint);
  }
}

/** Row mapping and permission SQL, shared with the approvers' queue query. */
export {
  COLUMNS as REQUEST_COLUMNS,
  toRequest as rowToRequest,
  applyPermission as applyRequestPermission,
};
export type { RequestRow };
