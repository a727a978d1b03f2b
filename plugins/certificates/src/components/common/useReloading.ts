import { useCallback, useEffect, useState } from 'react';

/**
 * Runs `load` (a `useCallback`) now, whenever it changes and on `reload()`.
 * What a run stored stays while the next one runs; a failure is kept until a
 * later run succeeds, so a list does not blank out on a passing error.
 */
export function useReloading(load: () => Promise<void>) {
  const [error, setError] = useState<Error>();
  const reload = useCallback(async () => {
    try {
      await load();
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [load]);

  useEffect(() => {
    reload();
  }, [reload]);

  return { error, setError, reload };
}
