import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { Knex } from 'knex';
import type { RequestQuery } from '../permissions';

const QUERY_COLUMNS: Record<RequestQuery['property'], string> = {
  requester: 'requester',
  issuer: 'issuer',
  ownerRef: 'owner_ref',
  entityRef: 'entity_ref',
};

/**
 * Adds permission conditions as SQL, with the same case-insensitive match
 * as `matchesRequestCriteria` (a null column never matches), so that a
 * list never loads a request the caller may not see.
 */
export function applyRequestPermission(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<RequestQuery>,
): void {
  if (isAndCriteria(criteria)) {
    query.where(q => {
      for (const c of criteria.allOf)
        q.andWhere(sub => applyRequestPermission(sub, c));
    });
  } else if (isOrCriteria(criteria)) {
    query.where(q => {
      for (const c of criteria.anyOf)
        q.orWhere(sub => applyRequestPermission(sub, c));
    });
  } else if (isNotCriteria(criteria)) {
    query.whereNot(q => applyRequestPermission(q, criteria.not));
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
