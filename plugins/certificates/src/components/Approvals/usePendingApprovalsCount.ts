import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { certificatesApiRef } from '../../api';

const APPROVALS_CHANGED = 'certificates:approvals-changed';

/** Tells every pending-count badge on the page to count again (after decisions). */
export function announceApprovalsChanged(): void {
  window.dispatchEvent(new Event(APPROVALS_CHANGED));
}

/**
 * The caller's pending approvals, refreshed every `intervalMs` and whenever
 * decisions are announced; undefined when unknown (e.g. not an approver).
 */
export function usePendingApprovalsCount(
  intervalMs = 60_000,
): number | undefined {
  const api = useApi(certificatesApiRef);
  const [count, setCount] = useState<number>();
  useEffect(() => {
    let active = true;
    const load = () =>
      api.getApprovalsCount().then(
        n => active && setCount(n),
        () => active && setCount(undefined),
      );
    load();
    const timer = setInterval(load, intervalMs);
    window.addEventListener(APPROVALS_CHANGED, load);
    return () => {
      active = false;
      clearInterval(timer);
      window.removeEventListener(APPROVALS_CHANGED, load);
    };
  }, [api, intervalMs]);
  return count;
}
