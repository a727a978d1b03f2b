import { ServerResponse } from 'node:http';
import { groupVersionOf, resourceKeyOf, SimulatedResource } from './resources';
import { Selector } from './selectors';
import { StatusError } from './status';
import { KubernetesObject, ObjectStore, StoreEvent } from './store';

export interface WatchRequest {
  resource: SimulatedResource;
  namespace?: string;
  matches: Selector;
  /** '' or '0' start from the current state; otherwise events after it are replayed. */
  resourceVersion: string;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
}

type Line = { type: string; object: unknown };

/** Maps a stored change to what a watch with selectors sees, or nothing. */
function project(request: WatchRequest, event: StoreEvent): Line | undefined {
  if (event.resourceKey !== resourceKeyOf(request.resource)) return undefined;
  const visible = (obj: KubernetesObject | undefined) =>
    !!obj &&
    (!request.namespace || obj.metadata.namespace === request.namespace) &&
    request.matches(obj);
  const now = event.type !== 'DELETED' && visible(event.object);
  const before = event.type === 'ADDED' ? false : visible(event.previous);
  if (event.type === 'DELETED') {
    return before ? { type: 'DELETED', object: event.object } : undefined;
  }
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: event.object };
  // An update that moves an object out of the selector reads as a deletion.
  return before ? { type: 'DELETED', object: event.object } : undefined;
}

/**
 * Serves one watch as chunked JSON lines until the timeout, the client
 * going away, or the server dropping it. Returns a function that drops it.
 */
export function serveWatch(
  store: ObjectStore,
  request: WatchRequest,
  res: ServerResponse,
): () => void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  const write = (line: Line) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };

  let closed = false;
  let unsubscribe = () => {};
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(bookmarkTimer);
    if (!res.writableEnded) res.end();
  };
  res.on('close', close);

  const rv = request.resourceVersion;
  if (rv && rv !== '0' && Number(rv) < store.compactedRevision) {
    const error = new StatusError(
      410,
      'Expired',
      `too old resource version: ${rv} (${store.compactedRevision})`,
    );
    write({ type: 'ERROR', object: error.status });
    close();
    return close;
  }

  if (!rv || rv === '0') {
    const prefix = request.namespace ? `${request.namespace}/` : '';
    for (const { object } of store.snapshot(
      resourceKeyOf(request.resource),
      store.currentRevision,
      prefix,
    )) {
      if (request.matches(object)) write({ type: 'ADDED', object });
    }
  } else {
    for (const event of store.eventsSince(Number(rv))) {
      const line = project(request, event);
      if (line) write(line);
    }
  }
  unsubscribe = store.subscribe(event => {
    const line = project(request, event);
    if (line) write(line);
  });

  if (request.allowBookmarks) {
    bookmarkTimer = setInterval(() => {
      write({
        type: 'BOOKMARK',
        object: {
          kind: request.resource.kind,
          apiVersion: groupVersionOf(request.resource),
          metadata: { resourceVersion: String(store.currentRevision) },
        },
      });
    }, request.bookmarkIntervalMs);
    bookmarkTimer.unref();
  }
  const timeoutTimer = setTimeout(close, request.timeoutSeconds * 1000);
  timeoutTimer.unref();
  res.on('close', () => clearTimeout(timeoutTimer));
  return close;
}
