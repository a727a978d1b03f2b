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

describe('ResourceSync', () => {
  it('relists when a continue token expires in the middle of a paged list', async () => {
    const sim = await KubernetesApiSimulator.start({ historyTtlMs: 60_000 });
    for (let i = 0; i < 10; i++) sim.apply(secret(`s-${i}`));
    const lists: string[][] = [];
    let current: string[] = [];
    let compacted = false;
    const errors: string[] = [];
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
        onListPage: (items: RawObject[]) => {
          current.push(...items.map(i => i.metadata!.name!));
          if (!compacted) {
            // history moves on and is compacted while the client pages
            compacted = true;
            sim.apply(secret('s-new'));
            sim.remove('v1', 'Secret', 'ns', 's-9');
            sim.compact();
          }
        },
        onListDone: () => {
          lists.push([...current].sort());
        },
        onEvent: () => undefined,
        onError: reason => errors.push(reason),
      },
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
});
