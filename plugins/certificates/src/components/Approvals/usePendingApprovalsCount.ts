import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  APPROVALS_SIGNAL_CHANNEL,
  ApprovalsSignal,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';

const APPROVALS_CHANGED = 'certificates:approvals-changed';

/** Without the signals plugin, the badge catches up with other approvers' decisions this often. */
export const FALLBACK_POLL_MS = 5 * 60_000;

/** Tells every pending-count badge on the page to count again (after decisions). */
export function announceApprovalsChanged(): void {
  window.dispatchEvent(new Event(APPROVALS_CHANGED));
}

/**
 * The caller's pending approvals; undefined when unknown (e.g. not an
 * approver). It counts again when the backend signals that the queue changed
 * and when decisions on this page are announced; only an app without the
 * signals plugin polls, and slowly.
 */
export function usePendingApprovalsCount(
  fallbackPollMs = FALLBACK_POLL_MS,
): number | undefined {
  const api = useApi(certificatesApiRef);
  const { lastSignal, isSignalsAvailable } = useSignal<ApprovalsSignal>(
    APPROVALS_SIGNAL_CHANNEL,
  );
  const [count, setCount] = useState<number>();
  useEffect(() => {
    let active = true;
    const load = () =>
      api.getApprovalsCount().then(
        n => active && setCount(n),
        () => active && setCount(undefined),
      );
    load();
    const timer = isSignalsAvailable
      ? undefined
      : setInterval(load, fallbackPollMs);
    window.addEventListener(APPROVALS_CHANGED, load);
    return () => {
      active = false;
      clearInterval(timer);
      window.removeEventListener(APPROVALS_CHANGED, load);
    };
  }, [api, fallbackPollMs, isSignalsAvailable, lastSignal]);
  return count;
}
