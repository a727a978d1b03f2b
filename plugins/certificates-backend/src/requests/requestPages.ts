import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { applyRequestPermission } from './requestPermissionSql';
import {
  REQUEST_COLUMNS,
  REQUESTS_TABLE,
  RequestRow,
  rowToRequest,
} from './requestRows';
import type { RequestListFilter } from './RequestStore';

/** Rows per query when reading every matching request. */
const PAGE = 500;

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

/**
 * One page of the list, newest first, and the cursor of the next one: a
 * keyset on (created_at, id), so a page costs the same however deep.
 */
export async function listPage(
  knex: Knex,
  filter: RequestListFilter,
): Promise<{ items: CertificateRequest[]; nextCursor?: string }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const query = knex(REQUESTS_TABLE).select(REQUEST_COLUMNS);
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
    applyRequestPermission(query, filter.permission);
  }
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  if (cursor) {
    query.where(q =>
      q
        .where('created_at', '<', cursor[0])
        .orWhere(q2 =>
          q2.where('created_at', '=', cursor[0]).andWhere('id', '<', cursor[1]),
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
    items: page.map(rowToRequest),
    nextCursor:
      rows.length > limit ? encodeCursor(page[page.length - 1]) : undefined,
  };
}

/**
 * Every row `where` selects, in pages of PAGE in (created_at, id) order:
 * no cap, and no offset to walk again. Each page is one query for the
 * rows after the last one of the page before, run when that page has
 * been consumed.
 */
export async function* requestPages(
  knex: Knex,
  where: (query: Knex.QueryBuilder) => void,
): AsyncGenerator<CertificateRequest[]> {
  let after: RequestRow | undefined;
  for (;;) {
    const query = knex(REQUESTS_TABLE).select(REQUEST_COLUMNS);
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
    if (rows.length) yield rows.map(rowToRequest);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1];
  }
}
