import { Knex } from 'knex';
import {
  CertificateListFilter,
  CertificateListResponse,
  CertificateSummary,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  applyCursor,
  applyListOrder,
  decodeCursor,
  encodeCursor,
  SORT_COLUMNS,
} from './queryFilters';
import { DbRow } from './rowMapping';
import { CertificatePermissionFilter, ListQuery } from './types';

/** What the inventory's lists and aggregates need of the store. */
export interface InventoryReadContext {
  db: Knex;
  /** Runs a select (on SQLite as a cached prepared statement). */
  all(query: Knex.QueryBuilder): Promise<DbRow[]>;
  /** The inventory rows a filter and a permission decision admit. */
  filtered(
    filter: CertificateListFilter,
    permissionFilter?: CertificatePermissionFilter,
  ): Knex.QueryBuilder;
  summaryColumns: Knex.Raw;
  isSqlite: boolean;
  /** Rows as summaries. */
  summaries(rows: DbRow[]): CertificateSummary[];
}

export async function listCertificates(
  ctx: InventoryReadContext,
  query: ListQuery,
): Promise<CertificateListResponse> {
  const column = SORT_COLUMNS[query.sort ?? 'notAfter'];
  const order = query.order ?? 'asc';
  const page = ctx
    .filtered(query.filter, query.permissionFilter)
    .select(ctx.summaryColumns);
  if (query.cursor)
    applyCursor(page, column, order, decodeCursor(query.cursor));
  applyListOrder(page, {
    column,
    order,
    filter: query.filter,
    permissionFilter: query.permissionFilter,
    sqlite: ctx.isSqlite,
  }).limit(query.limit + 1);
  const rows: DbRow[] = await ctx.all(page);
  // A first page that holds everything is its own count (an entity's list
  // mostly is): the count query would double the work of the request.
  let count = rows.length;
  if (query.cursor || rows.length > query.limit) {
    const countQuery = ctx
      .filtered(query.filter, query.permissionFilter)
      .count({ count: '*' });
    const [counted] = await ctx.all(countQuery);
    count = Number(counted.count);
  }
  const items = ctx.summaries(rows.slice(0, query.limit));
  const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
  return {
    items,
    totalCount: count,
    nextCursor: last
      ? encodeCursor({ value: String(last[column] ?? ''), id: last.id })
      : undefined,
  };
}

export async function exportCertificates(
  ctx: InventoryReadContext,
  query: Omit<ListQuery, 'limit' | 'cursor'>,
  fn: (rows: CertificateSummary[]) => Promise<void> | void,
): Promise<void> {
  const column = SORT_COLUMNS[query.sort ?? 'notAfter'];
  const order = query.order ?? 'asc';
  let cursor: { value: string; id: string } | undefined;
  for (;;) {
    const page = ctx
      .filtered(query.filter, query.permissionFilter)
      .select(ctx.summaryColumns);
    if (cursor) applyCursor(page, column, order, cursor);
    const rows: DbRow[] = await applyListOrder(page, {
      column,
      order,
      filter: query.filter,
      permissionFilter: query.permissionFilter,
      sqlite: ctx.isSqlite,
    }).limit(1000);
    if (rows.length === 0) return;
    await fn(ctx.summaries(rows));
    const last = rows[rows.length - 1];
    cursor = { value: String(last[column] ?? ''), id: last.id };
    if (rows.length < 1000) return;
  }
}
