import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AuditRecord } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { transactionOf, UnitOfWork } from '../database/unitOfWork';
import { insertRows } from '../database/sqlite';
import {
  AuditEntry,
  AuditListFilter,
  AuditListResult,
  AuditLog,
} from './AuditLog';
import { reportToAuditor } from './auditorEvents';

const TABLE = 'certificates_audit';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
const PRIVATE_KEY_PATTERN =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

const ROW_COLUMNS = [
  'at',
  'actor',
  'action',
  'request_id',
  'certificate_id',
  'entity_ref',
  'outcome',
  'detail',
] as const;

type Row = {
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  request_id: string | null;
  certificate_id: string | null;
  entity_ref: string | null;
  outcome: string;
  detail: string | null;
};

/**
 * Audit trail in the plugin database (table `certificates_audit`). Every
 * record is also forwarded to Backstage's auditor service once it is
 * committed, so that platform-wide audit sinks see the same events.
 */
export class DatabaseAuditLog implements AuditLog {
  static create(options: {
    knex: Knex;
    auditor?: AuditorService;
    logger?: LoggerService;
  }): DatabaseAuditLog {
    return new DatabaseAuditLog(options.knex, options.auditor, options.logger);
  }

  private constructor(
    private readonly knex: Knex,
    private readonly auditor?: AuditorService,
    private readonly logger?: LoggerService,
  ) {}

  async record(entry: AuditEntry, uow?: UnitOfWork): Promise<AuditRecord> {
    const trx = transactionOf(uow);
    const row = toRow(entry);
    const [inserted] = await (trx ?? this.knex)(TABLE).insert(row, ['seq']);
    const seq = typeof inserted === 'object' ? inserted.seq : inserted;
    const record = toRecord({ ...row, seq });
    await this.forwardAfter([record], trx);
    return record;
  }

  async recordMany(entries: AuditEntry[], uow?: UnitOfWork): Promise<void> {
    if (entries.length === 0) return;
    const trx = transactionOf(uow);
    const rows = entries.map(toRow);
    // One statement for all; `seq` follows the order of the rows.
    await insertRows(
      trx ?? this.knex,
      TABLE,
      ROW_COLUMNS,
      rows.map(r => ROW_COLUMNS.map(c => r[c])),
    );
    // The forwarded events carry no seq (the sink has its own ids).
    await this.forwardAfter(
      rows.map(r => toRecord({ ...r, seq: '' })),
      trx,
    );
  }

  /** Forwards once committed: a rolled-back change never happened. */
  private async forwardAfter(
    records: AuditRecord[],
    trx?: Knex.Transaction,
  ): Promise<void> {
    if (!this.auditor) return;
    if (trx) {
      trx.executionPromise.then(
        async () => {
          for (const record of records) await this.forward(record);
        },
        () => undefined,
      );
    } else {
      for (const record of records) await this.forward(record);
    }
  }

  async list(filter: AuditListFilter): Promise<AuditListResult> {
    const limit = Math.min(
      Math.max(filter.limit ?? DEFAULT_LIMIT, 1),
      MAX_LIMIT,
    );
    const query = this.knex<Row>(TABLE);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    if (filter.actor) query.where('actor', filter.actor);
    if (filter.requestId) query.where('request_id', filter.requestId);
    if (filter.certificateId)
      query.where('certificate_id', filter.certificateId);
    if (filter.action) {
      query.whereIn(
        'action',
        Array.isArray(filter.action) ? filter.action : [filter.action],
      );
    }
    if (filter.from)
      query.where('at', '>=', normalizeInstant(filter.from, 'from'));
    if (filter.to) query.where('at', '<', normalizeInstant(filter.to, 'to'));
    if (filter.cursor) query.where('seq', '<', decodeCursor(filter.cursor));

    const rows: Row[] = await query.orderBy('seq', 'desc').limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toRecord),
      nextCursor:
        rows.length > limit
          ? encodeCursor(Number(page[page.length - 1].seq))
          : undefined,
    };
  }

  private async forward(record: AuditRecord): Promise<void> {
    try {
      await reportToAuditor(this.auditor, record.action, {
        meta: {
          actor: record.actor,
          action: record.action,
          at: record.at,
          outcome: record.outcome,
          ...(record.requestId ? { requestId: record.requestId } : {}),
          ...(record.certificateId
            ? { certificateId: record.certificateId }
            : {}),
          ...(record.entityRef ? { entityRef: record.entityRef } : {}),
          ...(record.detail ? { detail: record.detail } : {}),
        },
        failure:
          record.outcome === 'success'
            ? undefined
            : new Error(record.detail ?? record.action),
      });
    } catch (error) {
      // The database row is the record of truth; a failing sink must not undo it.
      this.logger?.warn(
        `Could not forward audit record ${record.id}: ${error}`,
      );
    }
  }
}

function toRow(entry: AuditEntry): Omit<Row, 'seq'> {
  return {
    at: normalizeInstant(entry.at ?? new Date().toISOString(), 'at'),
    actor: entry.actor,
    action: entry.action,
    request_id: entry.requestId ?? null,
    certificate_id: entry.certificateId ?? null,
    entity_ref: entry.entityRef ?? null,
    outcome: entry.outcome,
    // Defence in depth: a key must never land in the trail, whatever the caller passed.
    detail:
      entry.detail?.replace(PRIVATE_KEY_PATTERN, '[redacted private key]') ??
      null,
  };
}

function toRecord(row: Row): AuditRecord {
  return {
    id: String(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action as AuditRecord['action'],
    outcome: row.outcome as AuditRecord['outcome'],
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.certificate_id ? { certificateId: row.certificate_id } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}

/** Fixed-width UTC ISO strings compare as text in time order. */
function normalizeInstant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new InputError(`${field} is not a valid ISO 8601 instant: ${value}`);
  }
  return new Date(ms).toISOString();
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ seq }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { seq } = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (typeof seq === 'number' && Number.isInteger(seq)) return seq;
  } catch {
    // fall through
  }
  throw new InputError('Invalid cursor');
}
