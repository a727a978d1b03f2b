import { Knex } from 'knex';
import {
  CertificateListFilter,
  CertificateListResponse,
  CertificateSummary,
  SortField,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  Cursor,
  decodeCursor,
  encodeCursor,
  PlannerHints,
  SORT_COLUMNS,
} from './queryFilters';
import { DbRow, SUMMARY_COLUMNS, summaryOf } from './rowMapping';
import { countStatement, listStatement } from './listSql';
import { CertificatePermissionFilter, ListQuery } from './types';

const EXPORT_PAGE = 1000;

/** What the inventory's lists and aggregates need of the store. */
export interface InventoryReadContext {
  db: Knex;
  /** Runs a select (on SQLite as a cached prepared statement). */
  all(query: Knex.QueryBuilder): Promise<DbRow[]>;
  /** Runs a select given as SQL text; each row as its values in column order. */
  values(sql: string, bindings: readonly unknown[]): Promise<unknown[][]>;
  /** The inventory rows a filter and a permission decision admit. */
  filtered(
    filter: CertificateListFilter,
    permissionFilter?: CertificatePermissionFilter,
    hints?: PlannerHints,
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
  const sort = query.sort ?? 'notAfter';
  const page = listStatement({
    filter: query.filter,
    permissionFilter: query.permissionFilter,
    sort,
    order: query.order ?? 'asc',
    cursor: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
    sqlite: ctx.isSqlite,
  });
  const rows = await ctx.values(page.sql, page.bindings);
  // A first page that holds everything is its own count (an entity's list
  // mostly is): the count query would double the work of the request.
  let count = rows.length;
  if (query.cursor || rows.length > query.limit) {
    const counted = countStatement(query.filter, query.permissionFilter);
    const [[total]] = await ctx.values(counted.sql, counted.bindings);
    count = Number(total);
  }
  const shown = Math.min(rows.length, query.limit);
  const items = new Array<CertificateSummary>(shown);
  for (let i = 0; i < shown; i++) items[i] = summaryOf(rows[i]);
  return {
    items,
    totalCount: count,
    nextCursor:
      rows.length > query.limit
        ? encodeCursor(cursorAfter(rows[query.limit - 1], sort))
        : undefined,
  };
}

/** Where the rows after `row` (SUMMARY_COLUMNS values) start. */
function cursorAfter(row: unknown[], sort: SortField): Cursor {
  const value = row[SUMMARY_COLUMNS.indexOf(SORT_COLUMNS[sort])];
  return {
    value: String(value ?? ''),
    id: String(row[SUMMARY_COLUMNS.indexOf('id')]),
  };
}

export async function exportCertificates(
  ctx: InventoryReadContext,
  query: Omit<ListQuery, 'limit' | 'cursor'>,
  fn: (rows: CertificateSummary[]) => Promise<void> | void,
): Promise<void> {
  const sort = query.sort ?? 'notAfter';
  let cursor: Cursor | undefined;
  for (;;) {
    const page = listStatement({
      filter: query.filter,
      permissionFilter: query.permissionFilter,
      sort,
      order: query.order ?? 'asc',
      cursor,
      limit: EXPORT_PAGE,
      sqlite: ctx.isSqlite,
    });
    const rows = await ctx.values(page.sql, page.bindings);
    if (rows.length === 0) return;
    await fn(rows.map(summaryOf));
    if (rows.length < EXPORT_PAGE) return;
    cursor = cursorAfter(rows[rows.length - 1], sort);
  }
}
