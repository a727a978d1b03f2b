import { Knex } from 'knex';
import {
  CertificateListFilter,
  SortField,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import {
  Cursor,
  escapeLike,
  restrictsToOwnersOrEntities,
} from './queryFilters';
import { CLUSTER_LOCATION, PORTAL_LOCATION } from './requestLinks';
import { SUMMARY_COLUMNS } from './rowMapping';
import { CertificatePermissionFilter } from './types';

/*
 * The list's statements as SQL text, written directly (valid on SQLite and
 * PostgreSQL), with the same conditions as applyListFilter and
 * applyPermissionFilter (queryFilters.ts; the tests run both on the same
 * filters). Through the query builder a list request built and compiled
 * two statements, the largest part of the request's allocations; here the
 * text is a join of constant pieces, and one filter shape is one statement
 * text, which SQLite prepares once.
 */

export const SORT_SQL: Record<SortField, string> = {
  notAfter: '"not_after"',
  commonName: '"common_name"',
  cluster: '"cluster"',
  namespace: '"namespace"',
  status: '"status"',
  lastSeenAt: '"last_seen_at"',
};

/** Columns a permission condition may name (its keys come from our rules). */
const PERMISSION_COLUMNS: Record<string, string> = {
  owner_ref: '"owner_ref"',
  entity_ref: '"entity_ref"',
  issuer: '"issuer"',
};

const SELECT_SUMMARY = `select ${SUMMARY_COLUMNS.map(c => `"${c}"`).join(
  ', ',
)} from "certificates_inventory"`;
const SELECT_COUNT = 'select count(*) as "count" from "certificates_inventory"';

/** `(?, ?, …)` for n values, made once per n. */
const placeholderLists: string[] = [];
function placeholders(n: number): string {
  let list = placeholderLists[n];
  if (!list) {
    list = `(${Array.from({ length: n }, () => '?').join(', ')})`;
    placeholderLists[n] = list;
  }
  return list;
}

/** SQL text and its bindings, appended side by side. */
class Statement {
  readonly parts: string[] = [];
  readonly bindings: unknown[] = [];
  /** Conditions written so far at the current level. */
  private conditions = 0;

  text(part: string): this {
    this.parts.push(part);
    return this;
  }

  value(value: unknown): this {
    this.parts.push('?');
    this.bindings.push(value);
    return this;
  }

  /** Starts a condition of a list joined by `joiner`. */
  next(joiner: string): this {
    if (this.conditions++ > 0) this.parts.push(joiner);
    return this;
  }

  /** A nested list of conditions in parentheses. */
  group(body: () => void): this {
    const outer = this.conditions;
    this.conditions = 0;
    this.parts.push('(');
    body();
    this.parts.push(')');
    this.conditions = outer;
    return this;
  }

  in(column: string, values: readonly unknown[]): this {
    this.parts.push(column, ' in ', placeholders(values.length));
    for (const v of values) this.bindings.push(v);
    return this;
  }

  get sql(): string {
    return this.parts.join('');
  }
}

function whereFilter(
  s: Statement,
  filter: CertificateListFilter,
  permissionFilter: CertificatePermissionFilter | undefined,
): void {
  const and = () => s.next(' and ');
  const inList = (column: string, values?: string[]) => {
    if (values && values.length > 0) and().in(column, values);
  };
  inList('"entity_ref"', filter.entityRef);
  inList('"owner_ref"', filter.owner);
  inList('"location"', filter.location);
  const clusters = filter.cluster;
  if (clusters && clusters.length > 0) {
    const named = clusters.filter(c => c !== PORTAL_LOCATION);
    if (named.length === clusters.length) {
      and().in('"cluster"', named);
    } else {
      // As applyClusterFilter: 'portal' names the portal's rows.
      and().group(() => {
        if (named.length > 0) {
          s.next(' or ')
            .text('(')
            .in('"cluster"', named)
            .text(' and "location" = ')
            .value(CLUSTER_LOCATION)
            .text(')');
        }
        s.next(' or ').text('"location" = ').value(PORTAL_LOCATION);
      });
    }
  }
  inList('"namespace"', filter.namespace);
  inList('"status"', filter.status);
  inList('"issuer"', filter.issuer);
  const findings = filter.finding;
  if (findings && findings.length > 0) {
    and().group(() => {
      for (const f of findings) {
        s.next(' or ').text('"findings" like ').value(`%,${f},%`);
      }
    });
  }
  if (filter.q && filter.q.trim() !== '') {
    and()
      .text('"search_text" like ')
      .value(`%${escapeLike(filter.q.trim().toLowerCase())}%`)
      .text(" escape '\\'");
  }
  if (!filter.includeGone) and().text('"gone_at" is null');
  if (filter.expiresBefore) {
    and()
      .text('"not_after" > ')
      .value('')
      .text(' and "not_after" < ')
      .value(filter.expiresBefore);
  }
  if (permissionFilter) {
    and().group(() => permission(s, permissionFilter));
  }
}

/** A conditional decision as SQL, as applyPermissionFilter writes it. */
function permission(s: Statement, c: CertificatePermissionFilter): void {
  if (isAndCriteria(c) && c.allOf.length === 0) {
    s.text('1 = 1');
  } else if (isOrCriteria(c) && c.anyOf.length === 0) {
    s.text('1 = 0');
  } else if (isAndCriteria(c)) {
    s.group(() => {
      for (const sub of c.allOf) {
        s.next(' and ').group(() => permission(s, sub));
      }
    });
  } else if (isOrCriteria(c)) {
    s.group(() => {
      for (const sub of c.anyOf) {
        s.next(' or ').group(() => permission(s, sub));
      }
    });
  } else if (isNotCriteria(c)) {
    s.text('not ').group(() => permission(s, c.not));
  } else if (c.values.length === 0) {
    s.text('1 = 0');
  } else {
    const column = PERMISSION_COLUMNS[c.key];
    // Keys come from the plugin's own rules; anything else admits nothing.
    if (!column) s.text('1 = 0');
    else s.in(column, c.values);
  }
}

/** `head` with the filter's, the decision's and `more` conditions. */
function where(
  head: string,
  filter: CertificateListFilter,
  permissionFilter: CertificatePermissionFilter | undefined,
  more?: (and: () => Statement) => void,
): Statement {
  const conditions = new Statement();
  whereFilter(conditions, filter, permissionFilter);
  more?.(() => conditions.next(' and '));
  const s = new Statement().text(head);
  if (conditions.parts.length > 0) {
    s.text(' where ');
    s.parts.push(...conditions.parts);
    s.bindings.push(...conditions.bindings);
  }
  return s;
}

export interface ListStatementOptions {
  filter: CertificateListFilter;
  permissionFilter?: CertificatePermissionFilter;
  sort: SortField;
  order: 'asc' | 'desc';
  cursor?: Cursor;
  limit: number;
  sqlite: boolean;
}

/**
 * A page of summaries (SUMMARY_COLUMNS), in (sort column, id) order after
 * the cursor: what listCertificates and exportCertificates read.
 */
export function listStatement(options: ListStatementOptions): {
  sql: string;
  bindings: unknown[];
} {
  const column = SORT_SQL[options.sort];
  const dir = options.order === 'desc' ? ' desc' : ' asc';
  const { cursor } = options;
  const s = where(
    SELECT_SUMMARY,
    options.filter,
    options.permissionFilter,
    cursor &&
      (and => {
        // Keyset: rows strictly after the cursor in (column, id) order.
        const op = options.order === 'desc' ? ' < ' : ' > ';
        and()
          .text('(')
          .text(column)
          .text(op)
          .value(cursor.value)
          .text(' or (')
          .text(column)
          .text(' = ')
          .value(cursor.value)
          .text(' and "id"')
          .text(op)
          .value(cursor.id)
          .text('))');
      }),
  );
  // As applyListOrder: on SQLite, a list of some entities' or owners' rows
  // sorts them (`+column` keeps the planner off the expiry index).
  const hint =
    options.sqlite &&
    restrictsToOwnersOrEntities(options.filter, options.permissionFilter);
  s.text(' order by ')
    .text(hint ? '+' : '')
    .text(column)
    .text(dir)
    .text(', "id"')
    .text(dir)
    .text(' limit ')
    .value(options.limit);
  return { sql: s.sql, bindings: s.bindings };
}

/** How many rows the filter and decision admit. */
export function countStatement(
  filter: CertificateListFilter,
  permissionFilter?: CertificatePermissionFilter,
): { sql: string; bindings: unknown[] } {
  const s = where(SELECT_COUNT, filter, permissionFilter);
  return { sql: s.sql, bindings: s.bindings };
}

/**
 * Runs a select through knex (PostgreSQL, or SQLite without the prepared
 * statement path), each row as its values in column order.
 */
export async function selectValues(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): Promise<unknown[][]> {
  // pg hands rows over as arrays when asked (`rowMode`); others as objects,
  // whose keys keep the select's order.
  const result = await db.raw(sql, bindings as Knex.RawBinding[]).options({
    rowMode: 'array',
  });
  const rows: unknown[] = Array.isArray(result) ? result : result.rows;
  return rows.map(r => (Array.isArray(r) ? r : Object.values(r as object)));
}
