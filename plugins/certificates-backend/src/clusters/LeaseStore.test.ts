import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { describeDatabases } from '../__testUtils__';
import { ClusterLeases } from './ClusterLeases';
import { DatabaseLeaseStore, Lease } from './LeaseStore';

const at = (second: number) =>
  new Date(Date.UTC(2026, 11, 7, 2, 0, second)).toISOString();

const lease = (owner: string, expiresAt: string): Lease => ({
  kind: 'cluster',
  name: 'prod',
  owner,
  expiresAt,
});

/** A replica's leases on a shared clock, recording what it watches. */
function replica(
  knex: Knex,
  id: string,
  names: string[],
  clock: { ms: number },
) {
  const watching = new Set<string>();
  const leases = ClusterLeases.create(
    {
      store: DatabaseLeaseStore.create({ knex }),
      replicaId: id,
      leaseMs: 15_000,
      renewMs: 60_000,
      now: () => new Date(clock.ms),
    },
    {
      logger: mockServices.logger.mock(),
      names: () => names,
      onGained: n => watching.add(n),
      onLost: n => watching.delete(n),
    },
  );
  return { leases, watching };
}

describeDatabases('DatabaseLeaseStore', db => {
  db.test(
    'exactly one of concurrent replicas takes a free lease; others take it only once it expired',
    async ({ knex }) => {
      const store = DatabaseLeaseStore.create({ knex });
      const won = await Promise.all(
        ['a', 'b', 'c', 'd', 'e'].map(o =>
          store.acquire(lease(o, at(15)), at(0)),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = ['a', 'b', 'c', 'd', 'e'][won.indexOf(true)];
      const other = holder === 'a' ? 'b' : 'a';

      expect(await store.acquire(lease(other, at(20)), at(10))).toBe(false);
      expect(await store.renew(lease(other, at(20)))).toBe(false);
      expect(await store.renew(lease(holder, at(25)))).toBe(true);
      expect(await store.acquire(lease(other, at(40)), at(24))).toBe(false);

      // The holder stops renewing: after expiry exactly one other takes it.
      const takeover = await Promise.all(
        ['x', 'y', 'z'].map(o => store.acquire(lease(o, at(50)), at(30))),
      );
      expect(takeover.filter(Boolean)).toHaveLength(1);
      expect(await store.renew(lease(holder, at(55)))).toBe(false);
      expect(await store.list('cluster')).toHaveLength(1);
      expect(await store.list('global')).toEqual([]);
    },
  );

  db.test(
    'releases only its own lease and counts live replicas by heartbeat',
    async ({ knex }) => {
      const store = DatabaseLeaseStore.create({ knex });
      await store.acquire(lease('a', at(15)), at(0));
      await store.release('cluster', 'prod', 'b');
      expect((await store.list('cluster'))[0].owner).toBe('a');
      await store.release('cluster', 'prod', 'a');
      expect(await store.list('cluster')).toEqual([]);

      expect(await store.heartbeat('a', at(15), at(0))).toEqual(['a']);
      expect(await store.heartbeat('b', at(20), at(5))).toEqual(['a', 'b']);
      expect(await store.heartbeat('b', at(36), at(16))).toEqual(['b']);
      await store.leave('b');
      expect(await store.heartbeat('c', at(40), at(20))).toEqual(['c']);
    },
  );

  db.test(
    'two replicas share the clusters, each watched by exactly one; a dead holder hands its clusters over within one lease',
    async ({ knex }) => {
      const names = ['c1', 'c2', 'c3', 'c4'];
      const clock = { ms: Date.parse(at(0)) };
      const a = replica(knex, 'a', names, clock);
      const b = replica(knex, 'b', names, clock);
      const both = async () => {
        await a.leases.start();
        await b.leases.start();
      };
      const each = () => [...a.watching, ...b.watching].sort();

      await both();
      // a started alone and took everything; b joined, a gives back half.
      clock.ms += 5_000;
      await a.leases.tick();
      await b.leases.tick();
      clock.ms += 5_000;
      await a.leases.tick();
      await b.leases.tick();
      expect(each()).toEqual(names);
      expect(a.watching.size).toBe(2);
      expect(b.watching.size).toBe(2);
      expect(
        (await knex('certificates_leases')).map(r => r.owner).sort(),
      ).toEqual(['a', 'a', 'b', 'b']);

      // a dies without a word (no release): b waits for the leases to expire.
      const aHeld = [...a.watching];
      clock.ms += 10_000;
      await b.leases.tick();
      expect(b.watching.size).toBe(2);
      clock.ms += 6_000;
      await b.leases.tick();
      expect([...b.watching].sort()).toEqual(names);
      expect(aHeld.every(n => b.watching.has(n))).toBe(true);

      // a comes back (paused, not dead): its renewals fail, it stops watching.
      await a.leases.tick();
      expect(a.watching.size).toBe(0);
      await b.leases.stop();
      expect(b.watching.size).toBe(0);
      expect(await knex('certificates_leases')).toEqual([]);
      await a.leases.stop();
    },
  );

  db.test(
    "compares leases on the database's clock: a replica whose own clock runs ten minutes ahead does not take a live lease",
    async ({ databaseId, knex }) => {
      const store = DatabaseLeaseStore.create({ knex });
      const realNow = Date.now();
      expect(Math.abs((await store.now()).getTime() - realNow)).toBeLessThan(
        5_000,
      );
      const onDatabaseClock = (id: string) => {
        const watching = new Set<string>();
        const leases = ClusterLeases.create(
          { store, replicaId: id, leaseMs: 15_000, renewMs: 60_000 },
          {
            logger: mockServices.logger.mock(),
            names: () => ['prod'],
            onGained: n => watching.add(n),
            onLost: n => watching.delete(n),
          },
        );
        return { leases, watching };
      };
      const a = onDatabaseClock('a');
      await a.leases.start();
      expect([...a.watching]).toEqual(['prod']);

      // Only Date is moved: timers, and the database, keep real time.
      jest.useFakeTimers({
        now: realNow + 10 * 60_000,
        doNotFake: [
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'clearImmediate',
          'nextTick',
          'queueMicrotask',
          'hrtime',
          'performance',
        ],
      });
      try {
        const b = onDatabaseClock('b');
        await b.leases.start();
        // Embedded SQLite shares this process's clock: it moved too, and
        // the lease looks expired there; on PostgreSQL it is still live.
        const sharedClock = databaseId === 'SQLITE_3';
        expect([...b.watching]).toEqual(sharedClock ? ['prod'] : []);
        const [row] = await knex('certificates_leases').where({
          name: 'prod',
        });
        expect(row.owner).toBe(sharedClock ? 'b' : 'a');
        await b.leases.stop();
      } finally {
        jest.useRealTimers();
      }
      await a.leases.stop();
    },
  );
});
