import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { TERMINAL_REQUEST_STATES } from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef, RequestWithAudit } from '../../api';

export interface RequestLoadState {
  value?: RequestWithAudit;
  error?: Error;
  loading: boolean;
  reload(): Promise<void>;
  /** Replaces the shown request, e.g. with the answer of a cancel. */
  set(value: RequestWithAudit): void;
}

/** Loads a request with its audit trail and polls it until it reaches a terminal state. */
export function useRequest(
  id: string,
  pollIntervalMs = 3000,
): RequestLoadState {
  const api = useApi(certificatesApiRef);
  const [value, setValue] = useState<RequestWithAudit>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const latestId = useRef(id);
  latestId.current = id;

  const reload = useCallback(async () => {
    try {
      const next = await api.getRequest(id);
      if (latestId.current === id) {
        setValue(next);
        setError(undefined);
      }
    } catch (e) {
      if (latestId.current === id) setError(e as Error);
    } finally {
      if (latestId.current === id) setLoading(false);
    }
  }, [api, id]);

  useEffect(() => {
    setLoading(true);
    setValue(undefined);
    reload();
  }, [reload]);

  const state = value?.request.state;
  const terminal =
    state !== undefined && TERMINAL_REQUEST_STATES.includes(state);
  useEffect(() => {
    if (state === undefined || terminal) return undefined;
    const timer = setInterval(reload, pollIntervalMs);
    return () => clearInterval(timer);
  }, [state, terminal, reload, pollIntervalMs]);

  return { value, error, loading, reload, set: setValue };
}
