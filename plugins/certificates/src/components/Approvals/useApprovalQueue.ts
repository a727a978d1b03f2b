import { useCallback, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { ApprovalsQuery, certificatesApiRef } from '../../api';
import { useReloading } from '../common';

/** Oldest first, as the backend pages them. */
function byAge(a: CertificateRequest, b: CertificateRequest): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime || a.id === b.id) return byTime;
  return a.id < b.id ? -1 : 1;
}

export interface ApprovalQueueState {
  items?: CertificateRequest[];
  /** Requests waiting with these filters, on every page. */
  total: number;
  /** Whether another page waits after the loaded ones. */
  hasMore: boolean;
  loadingMore: boolean;
  error?: Error;
  /** Loads the first page again, as many rows as are shown now. */
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  /** Takes decided requests off the list (and the total). */
  remove(ids: string[]): void;
  /** Every owner team seen so far, for the filter. */
  teams: string[];
  /** Rows per page. */
  pageSize: number;
}

/** The approvals queue, a page at a time: the backend counts, the list grows on demand. */
export function useApprovalQueue(
  query: ApprovalsQuery,
  pageSize = 100,
): ApprovalQueueState {
  const api = useApi(certificatesApiRef);
  const [items, setItems] = useState<CertificateRequest[]>();
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [teams, setTeams] = useState<string[]>([]);
  const shown = useRef(0);
  shown.current = items?.length ?? 0;

  const seeTeams = (next: CertificateRequest[]) =>
    // Teams offered by the filter: every team seen so far, so filtering does not hide the others.
    setTeams(previous =>
      Array.from(
        new Set([
          ...previous,
          ...next.flatMap(r => (r.ownerRef ? [r.ownerRef] : [])),
        ]),
      ).sort(),
    );

  const { error, setError, reload } = useReloading(
    useCallback(async () => {
      const limit = Math.min(200, Math.max(pageSize, shown.current));
      const page = await api.listApprovals({ ...query, limit });
      setItems([...page.items].sort(byAge));
      setTotal(page.totalCount);
      setCursor(page.nextCursor);
      seeTeams(page.items);
    }, [api, query, pageSize]),
  );

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api.listApprovals({
        ...query,
        limit: pageSize,
        cursor,
      });
      setItems(previous => {
        const known = new Set((previous ?? []).map(r => r.id));
        return [
          ...(previous ?? []),
          ...page.items.filter(r => !known.has(r.id)),
        ].sort(byAge);
      });
      setTotal(page.totalCount);
      setCursor(page.nextCursor);
      seeTeams(page.items);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const remove = (ids: string[]) => {
    const gone = (items ?? []).filter(r => ids.includes(r.id)).length;
    setItems(previous => previous?.filter(r => !ids.includes(r.id)));
    setTotal(previous => Math.max(0, previous - gone));
  };

  return {
    items,
    total: Math.max(total, items?.length ?? 0),
    hasMore: Boolean(cursor),
    loadingMore,
    error,
    reload,
    loadMore,
    remove,
    teams,
    pageSize,
  };
}
