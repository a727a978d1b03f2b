import { CoreV1Api, ListWatch, V1Secret, Watch } from '@kubernetes/client-node';
import { KubernetesApiSimulator } from './KubernetesApiSimulator';

const secret = (
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
  value = 'v',
) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name, labels },
  type: 'Opaque',
  data: { k: Buffer.from(value).toString('base64') },
});

async function until(check: () => boolean, what: string, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 5));
  }
}

type Seen = { type: string; object: any };

async function openWatch(
  sim: KubernetesApiSimulator,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
) {
  const events: Seen[] = [];
  let done: unknown = 'open';
  const controller = await new Watch(sim.kubeConfig()).watch(
    path,
    query,
    (type, object) => events.push({ type, object }),
    err => {
      done = err ?? null;
    },
  );
  return {
    events,
    controller,
    isDone: () => done !== 'open',
    error: () => done,
  };
}

describe('KubernetesApiSimulator watch', () => {
  let sim: KubernetesApiSimulator;
  beforeEach(async () => {
    sim = await KubernetesApiSimulator.start({ bookmarkIntervalMs: 30 });
  });
  afterEach(() => sim.stop());

  it('replays events after a resourceVersion, then streams live changes', async () => {
    sim.apply(secret('payments', 'a'));
    const rv = sim.resourceVersion;
    sim.apply(secret('payments', 'b'));
    sim.apply(secret('payments', 'a', {}, 'changed'));

    const w = await openWatch(sim, '/api/v1/namespaces/payments/secrets', {
      resourceVersion: rv,
    });
    await until(() => w.events.length === 2, 'replay');
    expect(w.events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED b',
      'MODIFIED a',
    ]);
    expect(w.events[0].object).toMatchObject({
      kind: 'Secret',
      apiVersion: 'v1',
    });

    const core = sim.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace: 'payments',
      body: secret('payments', 'c') as V1Secret,
    });
    sim.apply(secret('orders', 'elsewhere'));
    await core.deleteNamespacedSecret({ namespace: 'payments', name: 'b' });
    await until(() => w.events.length === 4, 'live events');
    expect(
      w.events.slice(2).map(e => `${e.type} ${e.object.metadata.name}`),
    ).toEqual(['ADDED c', 'DELETED b']);
    // Every event carries a newer resourceVersion, including the deletion.
    const rvs = w.events.map(e => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    expect(rvs[3]).toBe(Number(sim.resourceVersion));
    w.controller.abort();
  });

  it('starts with ADDED for the current state when no resourceVersion is given', async () => {
    sim.apply(secret('payments', 'a'));
    const w = await openWatch(sim, '/api/v1/secrets', {});
    await until(() => w.events.length === 1, 'initial state');
    expect(w.events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'a' } },
    });
    w.controller.abort();
  });

  it('applies selectors, turning label changes into ADDED and DELETED', async () => {
    const w = await openWatch(sim, '/api/v1/secrets', {
      resourceVersion: sim.resourceVersion,
      labelSelector: 'team=pay',
    });
    sim.apply(secret('payments', 'x', { team: 'shop' }));
    sim.apply(secret('payments', 'x', { team: 'pay' }));
    sim.apply(secret('payments', 'x', { team: 'pay' }, 'new'));
    sim.apply(secret('payments', 'x', { team: 'shop' }));
    sim.apply(secret('payments', 'y', { team: 'pay' }));
    await until(() => w.events.length === 4, 'selected events');
    expect(w.events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED x',
      'MODIFIED x',
      'DELETED x',
      'ADDED y',
    ]);
    w.controller.abort();
  });

  it('sends bookmarks when allowed', async () => {
    const w = await openWatch(sim, '/api/v1/secrets', {
      resourceVersion: sim.resourceVersion,
      allowWatchBookmarks: true,
    });
    await until(() => w.events.some(e => e.type === 'BOOKMARK'), 'a bookmark');
    expect(w.events[0].object).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { resourceVersion: sim.resourceVersion },
    });
    w.controller.abort();
  });

  it('answers a too-old resourceVersion with an ERROR event holding a 410 Status', async () => {
    sim.apply(secret('payments', 'a'));
    const old = sim.resourceVersion;
    sim.apply(secret('payments', 'b'));
    sim.compact();
    const w = await openWatch(sim, '/api/v1/secrets', { resourceVersion: old });
    await until(w.isDone, 'the watch to end');
    expect(w.error()).toBeNull();
    expect(w.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          status: 'Failure',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
  });

  it('ends at timeoutSeconds', async () => {
    const timed = await openWatch(sim, '/api/v1/secrets', {
      resourceVersion: sim.resourceVersion,
      timeoutSeconds: 1,
    });
    await until(timed.isDone, 'the timed watch', 1500);
    expect(timed.error()).toBeNull();
  });

  it('drops open watches on restart', async () => {
    const dropped = await openWatch(sim, '/api/v1/secrets', {
      resourceVersion: sim.resourceVersion,
    });
    await until(() => sim.openWatchCount === 1, 'the watch to register');
    await sim.restart();
    await until(dropped.isDone, 'the dropped watch');
    expect(sim.openWatchCount).toBe(0);
  });

  it.each(['end', 'reset'] as const)(
    'drops open watches on request (%s) and keeps serving',
    async mode => {
      const dropped = await openWatch(sim, '/api/v1/secrets', {
        resourceVersion: sim.resourceVersion,
      });
      await until(() => sim.openWatchCount === 1, 'the watch to register');
      sim.dropWatches(mode);
      await until(dropped.isDone, 'the dropped watch');
      expect(sim.openWatchCount).toBe(0);
      // A clean end is no error; a cut connection is one.
      expect(dropped.error() ? 'error' : 'clean').toBe(
        mode === 'end' ? 'clean' : 'error',
      );

      const next = await openWatch(sim, '/api/v1/secrets', {
        resourceVersion: sim.resourceVersion,
      });
      sim.apply(secret('payments', 'after-drop'));
      await until(() => next.events.length === 1, 'an event on a new watch');
      expect(next.events[0]).toMatchObject({ type: 'ADDED' });
      next.controller.abort();
    },
  );

  it('keeps an informer (ListWatch) in sync and makes it relist after compaction', async () => {
    sim.apply(secret('payments', 'a'));
    const kc = sim.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const informer = new ListWatch<V1Secret>(
      '/api/v1/namespaces/payments/secrets',
      new Watch(kc),
      () => core.listNamespacedSecret({ namespace: 'payments', limit: 500 }),
      false,
    );
    await informer.start();
    await until(() => informer.list().length === 1, 'initial list');
    sim.apply(secret('payments', 'b'));
    await until(() => informer.list().length === 2, 'added object');
    sim.remove('v1', 'Secret', 'payments', 'a');
    await until(
      () =>
        informer
          .list()
          .map(s => s.metadata?.name)
          .join() === 'b',
      'deleted object',
    );

    // While the informer is cut off, history is compacted; when it comes
    // back it resumes from a too-old resourceVersion and must relist.
    // Restart only while the test runs: an informer restarted after the test
    // would keep retrying against a stopped server for the life of the worker.
    let restartOnError = true;
    informer.on('error', () => {
      if (restartOnError) void informer.start();
    });
    await sim.setDown('hang');
    sim.compact();
    sim.apply(secret('payments', 'c'));
    sim.clearRequests();
    await sim.setDown(false);
    await until(() => informer.list().length === 2, 'relisted state');
    const calls = sim
      .requests()
      .map(
        r =>
          `${r.query.watch ? 'watch' : 'list'} ${
            r.query.resourceVersion ?? ''
          }`,
      );
    expect(calls[0]).toMatch(/^watch \d+$/);
    expect(calls[1]).toBe('list ');
    restartOnError = false;
    await informer.stop();
  });
});
