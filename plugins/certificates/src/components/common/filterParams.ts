import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  CERTIFICATE_STATUSES,
  CertificateListFilter,
  CertificateStatus,
  FINDING_KINDS,
  FindingKind,
} from '@kubecerts/backstage-plugin-certificates-common';

/** The filters a user can set; they live in the URL so links can be shared. */
export interface UserFilter {
  status: CertificateStatus[];
  finding: FindingKind[];
  location: string[];
  cluster: string[];
  namespace: string[];
  issuer: string[];
  owner: string[];
  q: string;
}

export const EMPTY_FILTER: UserFilter = {
  status: [],
  finding: [],
  location: [],
  cluster: [],
  namespace: [],
  issuer: [],
  owner: [],
  q: '',
};

const LIST_KEYS = [
  'status',
  'finding',
  'location',
  'cluster',
  'namespace',
  'issuer',
  'owner',
] as const;

export function parseFilter(params: URLSearchParams): UserFilter {
  return {
    status: params
      .getAll('status')
      .filter((s): s is CertificateStatus =>
        CERTIFICATE_STATUSES.includes(s as CertificateStatus),
      ),
    finding: params
      .getAll('finding')
      .filter((f): f is FindingKind =>
        FINDING_KINDS.includes(f as FindingKind),
      ),
    location: params.getAll('location'),
    cluster: params.getAll('cluster'),
    namespace: params.getAll('namespace'),
    issuer: params.getAll('issuer'),
    owner: params.getAll('owner'),
    q: params.get('q') ?? '',
  };
}

/** Writes the filter into params, keeping unrelated params (e.g. the selected view). */
export function writeFilter(
  params: URLSearchParams,
  filter: UserFilter,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of LIST_KEYS) {
    next.delete(key);
    for (const value of filter[key]) next.append(key, value);
  }
  next.delete('q');
  if (filter.q) next.set('q', filter.q);
  return next;
}

/** The user filter as an API filter, without empty fields. */
export function toApiFilter(filter: UserFilter): CertificateListFilter {
  const out: CertificateListFilter = {};
  for (const key of LIST_KEYS) {
    if (filter[key].length) {
      (out as Record<string, string[]>)[key] = filter[key];
    }
  }
  if (filter.q.trim()) out.q = filter.q.trim();
  return out;
}

/**
 * Combines a fixed scope (the entity, the view) with the user's filter.
 * A list the scope fixes is narrowed by the user's choice only within it.
 */
export function mergeFilters(
  scope: CertificateListFilter,
  user: CertificateListFilter,
): CertificateListFilter {
  const merged: CertificateListFilter = { ...scope, ...user };
  for (const key of ['status', 'finding'] as const) {
    const fixed = scope[key] as string[] | undefined;
    const chosen = user[key] as string[] | undefined;
    if (fixed && chosen) {
      const both = chosen.filter(v => fixed.includes(v));
      (merged as Record<string, string[]>)[key] = both.length ? both : fixed;
    }
  }
  return merged;
}

/** The user filter held in the URL's query string. */
export function useFilterParams(): [UserFilter, (next: UserFilter) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filter = useMemo(() => parseFilter(params), [key]);
  const setFilter = useCallback(
    (next: UserFilter) =>
      setParams(current => writeFilter(current, next), { replace: true }),
    [setParams],
  );
  return [filter, setFilter];
}

/** One query parameter of the URL, e.g. the selected certificate. */
export function useSearchParam(
  name: string,
): [string | undefined, (value: string | undefined) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? undefined;
  const setValue = useCallback(
    (next: string | undefined) =>
      setParams(current => {
        const out = new URLSearchParams(current);
        if (next) out.set(name, next);
        else out.delete(name);
        return out;
      }),
    [name, setParams],
  );
  return [value, setValue];
}
