import { KubernetesObject, ObjectStore } from './store';

const secret = (namespace: string, name: string, type: string) =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type,
  } as KubernetesObject);

describe('ObjectStore.page', () => {
  const R = '/v1/secrets';

  function fill(store: ObjectStore) {
    for (let i = 0; i < 30; i++) {
      const ns = `ns-${i % 3}`;
      const name = `s-${String(i).padStart(2, '0')}`;
      store.write(
        R,
        `${ns}/${name}`,
        secret(ns, name, i % 2 ? 'Opaque' : 'kubernetes.io/tls'),
      );
    }
  }

  it('pages in key order through matches only, as of a revision', () => {
    const store = new ObjectStore();
    fill(store);
    const at = store.currentRevision;
    // Changes after the snapshot are not seen by its pages.
    store.write(R, 'ns-0/s-00', null);
    store.write(R, 'ns-0/a-new', secret('ns-0', 'a-new', 'kubernetes.io/tls'));
    const tls = (o: KubernetesObject) => o.type === 'kubernetes.io/tls';
    const keys: string[] = [];
    let start = '';
    for (;;) {
      const { items, more } = store.page(R, {
        atRevision: at,
        start,
        limit: 4,
        matches: tls,
      });
      keys.push(...items.map(i => i.key));
      if (!more) break;
      start = `${items[items.length - 1].key}\u0000`;
    }
    const expected = Array.from({ length: 30 }, (_, i) => i)
      .filter(i => i % 2 === 0)
      .map(i => `ns-${i % 3}/s-${String(i).padStart(2, '0')}`)
      .sort();
    expect(keys).toEqual(expected);
  });

  it('sees keys added later and forgets deleted ones at the current revision', () => {
    const store = new ObjectStore();
    fill(store);
    store.write(R, 'ns-1/s-01', null);
    store.write(R, 'ns-1/0-first', secret('ns-1', '0-first', 'Opaque'));
    const { items, more } = store.page(R, {
      atRevision: store.currentRevision,
      keyPrefix: 'ns-1/',
    });
    expect(more).toBe(false);
    expect(items[0].key).toBe('ns-1/0-first');
    expect(items.map(i => i.key)).not.toContain('ns-1/s-01');
    expect(items).toHaveLength(10);
  });

  it('tells whether more matches follow a full page', () => {
    const store = new ObjectStore();
    fill(store);
    const at = store.currentRevision;
    expect(store.page(R, { atRevision: at, limit: 30 }).more).toBe(false);
    expect(store.page(R, { atRevision: at, limit: 29 }).more).toBe(true);
  });
});
