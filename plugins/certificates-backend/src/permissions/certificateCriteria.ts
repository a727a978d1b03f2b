import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import { CertificatePermissionFilter, CertificateQueryFilter } from './types';

/** The columns a permission filter tests, as values (null: none). */
export type PermissionSubject = Record<
  CertificateQueryFilter['key'],
  string | null | undefined
>;

/**
 * Whether `subject` passes `criteria` exactly as a row with those columns
 * passes the inventory store's SQL for it: three-valued, so a missing value is
 * neither in a list nor, under `not`, outside it. For a decision about
 * something that is not a row (a portal request's entity and owner).
 */
export function matchesPermissionFilter(
  criteria: CertificatePermissionFilter | undefined,
  subject: PermissionSubject,
): boolean {
  // true, false, or null for SQL's unknown
  const test = (c: CertificatePermissionFilter): boolean | null => {
    if (isAndCriteria(c)) {
      const results = c.allOf.map(test);
      if (results.includes(false)) return false;
      return results.includes(null) ? null : true;
    }
    if (isOrCriteria(c)) {
      const results = c.anyOf.map(test);
      if (results.includes(true)) return true;
      return results.includes(null) ? null : false;
    }
    if (isNotCriteria(c)) {
      const inner = test(c.not);
      return inner === null ? null : !inner;
    }
    if (c.values.length === 0) return false;
    const value = subject[c.key];
    if (value === null || value === undefined) return null;
    return c.values.includes(value);
  };
  return criteria ? test(criteria) === true : true;
}
