import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { certificatesApiRef } from '../../api';

/** The caller's pending approvals, refreshed every `intervalMs`; undefined when unknown (e.g. not an approver). */
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
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [api, intervalMs]);
  return count;
}
