import { mockServices } from '@backstage/backend-test-utils';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { RawObject, SECRETS } from './kinds';
import { ResourceSync } from './ResourceSync';

jest.setTimeout(20_000);

const secret = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace: 'ns', name },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' },
});

/**
 * A sync of the simulator's Secrets in pages of 3 that records each full
 * list (its names, sorted) and each error reported; `onPage` runs after a
 * page's names are recorded, with the page's number from 1.
 */
function pagedSync(
  sim: KubernetesApiSimulator,
  onPage: (page: number) => void | Promise<void> = () => undefined,
) {
  const lists: string[][] = [];
  const errors: string[] = [];
  let current: string[] = [];
  let pages = 0;
  const sync = new ResourceSync({
    kubeConfig: sim.kubeConfig(),
    kind: SECRETS,
    logger: mockServices.logger.mock(),
    pageSize: 3,
    backoff: { initialMs: 20, maxMs: 50 },
    handler: {
      onListStart: () => {
        current = [];
      },
      onListPage: async (items: RawObject[]) => {
        current.push(...items.map(i => i.metadata!.name!));
        await onPage(++pages);
      },
      onListDone: () => {
        lists.push([...current].sort());
      },
      onEvent: () => undefined,
      onError: reason => errors.push(reason),
    },
  });
  return { sync, lists, errors };
}

describe('ResourceSync', () => {
  it('relists when a continue token expires in the middle of a paged list', async () => {
    const sim = await KubernetesApiSimulator.start({ historyTtlMs: 60_000 });
    for (let i = 0; i < 10; i++) sim.apply(secret(`s-${i}`));
    let compacted = false;
    const { sync, lists, errors } = pagedSync(sim, () => {
      if (!compacted) {
        // history moves on and is compacted while the client pages
        compacted = true;
        sim.apply(secret('s-new'));
        sim.remove('v1', 'Secret', 'ns', 's-9');
        sim.compact();
      }
    });
    try {
      sync.start();
      await sync.firstList;
      expect(lists).toHaveLength(1);
      expect(lists[0]).toEqual([
        's-0',
        's-1',
        's-2',
        's-3',
        's-4',
        's-5',
        's-6',
        's-7',
        's-8',
        's-new',
      ]);
      // a 410 only relists: the cluster is never reported as failing for it
      expect(errors).toEqual([]);
    } finally {
      sync.stop();
      await sim.stop();
    }
  });

  const running: Array<{ sync: ResourceSync; sim: KubernetesApiSimulator }> =
    [];
  afterEach(async () => {
    for (const { sync, sim } of running.splice(0)) {
      sync.stop();
      await sim.stop();
    }
  });

  const SEVEN = ['s-0', 's-1', 's-2', 's-3', 's-4', 's-5', 's-6'];

  /**
   * Seven Secrets listed in pages of 3 by a sync whose handler holds the
   * first page until `release` is called; started, and in the first page.
   */
  async function heldFirstPage(options: { expireContinueToken?: boolean }) {
    const sim = await KubernetesApiSimulator.start();
    for (const name of SEVEN) sim.apply(secret(name));
    if (options.expireContinueToken) sim.expireContinueTokens(1);
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    let entered!: () => void;
    const inFirstPage = new Promise<void>(resolve => {
      entered = resolve;
    });
    const { sync, lists, errors } = pagedSync(sim, async page => {
      if (page === 1) {
        entered();
        await held;
      }
    });
    running.push({ sync, sim });
    sync.start();
    await inFirstPage;
    /** List requests that carried a continue token, oldest first. */
    const continued = () =>
      sim.requests().filter(r => r.query.continue !== undefined);
    return { sync, release, lists, errors, continued };
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) {
      await new Promise(r => setTimeout(r, 10));
    }
    expect(check()).toBe(true);
  };

  it('fetches the next page while the handler still works on this one', async () => {
    const { sync, release, lists, continued } = await heldFirstPage({});
    // The second page is requested while the first is still handled...
    await until(() => continued().length === 1);
    // ...and no further: one page ahead, not the whole list.
    await new Promise(r => setTimeout(r, 50));
    expect(continued()).toHaveLength(1);
    expect(lists).toEqual([]);
    release();
    await sync.firstList;
    expect(lists).toEqual([SEVEN]);
    expect(continued().map(r => r.status)).toEqual([200, 200]);
  });

  it('relists when the page fetched ahead finds its continue token expired', async () => {
    const { sync, release, lists, errors, continued } = await heldFirstPage({
      expireContinueToken: true,
    });
    // The page fetched ahead failed (410) while the first was handled.
    await until(() => continued().some(r => r.status === 410));
    release();
    await sync.firstList;
    // The 410 surfaced once the handler was done, and only relisted.
    expect(lists).toEqual([SEVEN]);
    expect(errors).toEqual([]);
  });

  it('drops the page fetched ahead of a list that was stopped', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { sync, release, lists, errors, continued } = await heldFirstPage({
        expireContinueToken: true,
      });
      await until(() => continued().some(r => r.status === 410));
      sync.stop();
      release();
      await sync.idle();
      await new Promise(r => setTimeout(r, 50));
      // Its failure was neither reported nor left unhandled, and nothing
      // was listed after the stop.
      expect(unhandled).toEqual([]);
      expect(errors).toEqual([]);
      expect(lists).toEqual([]);
      expect(continued()).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
