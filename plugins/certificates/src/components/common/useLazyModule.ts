import { useEffect, useState } from 'react';

interface Entry {
  promise: Promise<unknown>;
  value?: unknown;
  error?: Error;
}

const modules = new Map<() => Promise<unknown>, Entry>();

function start(load: () => Promise<unknown>): Entry {
  let entry = modules.get(load);
  if (!entry) {
    const created: Entry = {
      promise: load().then(
        value => {
          created.value = value;
        },
        error => {
          created.error = error as Error;
          // A later mount may try again (e.g. after a network blip).
          modules.delete(load);
        },
      ),
    };
    modules.set(load, created);
    entry = created;
  }
  return entry;
}

/**
 * A code-split part of a page, loaded after the page has rendered. Unlike
 * React.lazy it never suspends: the page commits (and starts its requests)
 * at once, and the part appears when its chunk has arrived. `load` must be
 * a stable (module-level) function.
 */
export function useLazyModule<T>(
  load: () => Promise<T>,
  enabled: boolean = true,
): { value?: T; error?: Error } {
  const [state, setState] = useState<{ value?: T; error?: Error }>(() => {
    const known = modules.get(load);
    return known?.value ? { value: known.value as T } : {};
  });
  useEffect(() => {
    if (!enabled || state.value) return undefined;
    let live = true;
    const entry = start(load);
    entry.promise.then(() => {
      if (live) setState({ value: entry.value as T, error: entry.error });
    });
    return () => {
      live = false;
    };
  }, [load, enabled, state.value]);
  return state;
}
