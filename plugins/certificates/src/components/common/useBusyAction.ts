import { useState } from 'react';

/**
 * One action at a time behind a button: `busy` while it runs, and its failure,
 * as `describe` words it, shown until the next attempt.
 */
export function useBusyAction<E>(describe: (error: unknown) => E) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<E>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
