import {
  AuditAction,
  AuditListResponse,
  AuditRecord,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';

/** What a caller records; `id` is assigned and `at` defaults to now. */
export type AuditEntry = Omit<AuditRecord, 'id' | 'at'> & { at?: string };

export interface AuditListFilter {
  entityRef?: string;
  actor?: string;
  action?: AuditAction | AuditAction[];
  requestId?: string;
  certificateId?: string;
  /** Inclusive lower bound (ISO 8601). */
  from?: string;
  /** Exclusive upper bound (ISO 8601). */
  to?: string;
  /** Default 100, at most 500. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

/** Newest first; what GET /audit answers. */
export type AuditListResult = AuditListResponse;

/**
 * The append-only audit trail. There is deliberately no way to change or
 * remove a record through this interface.
 */
export interface AuditLog {
  /**
   * Appends a record. Pass the unit of work that performs the state change so
   * that the change and its record commit (or roll back) together.
   */
  record(entry: AuditEntry, trx?: UnitOfWork): Promise<AuditRecord>;
  /**
   * Appends several records in one statement, in this order; with `trx`
   * they commit (or roll back) with it.
   */
  recordMany?(entries: AuditEntry[], trx?: UnitOfWork): Promise<void>;
  list(filter: AuditListFilter): Promise<AuditListResult>;
}
