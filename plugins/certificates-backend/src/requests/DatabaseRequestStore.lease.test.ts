import { Knex } from 'knex';
import { describeDatabases, newRequest as request } from '../__testUtils__';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 11, 6, 10, minute)).toISOString();

function newRequest(
  id: string,
  state: NewRequest['state'] = 'issuing',
): NewRequest {
  return request({
    id,
    requesterIsOwner: true,
    commonName: undefined,
    delivery: {
      kind: 'secret',
      cluster: 'prod',
      namespace: 'payments',
      secretName: 'payments-tls',
    },
    state,
  });
}

describeDatabases('DatabaseRequestStore issuance leases', db => {
  async function setup(knex: Knex) {
    const store = DatabaseRequestStore.create({
      knex,
      now: () => new Date(at(0)),
    });
    const lease = async (id: string) =>
      knex('certificates_requests')
        .where({ id })
        .first('lease_owner', 'lease_expires_at')
        .then(r => [r.lease_owner, r.lease_expires_at]);
    return { knex, store, lease };
  }

  db.test(
    'one owner among concurrent ones takes a lease; it renews and releases it; another takes it only once it expired',
    async ({ knex }) => {
      const { store, lease } = await setup(knex);
      await store.create(newRequest('r1'));
      const options = { states: ['issuing' as const], now: at(0) };
      const attempts = await Promise.all(
        ['a', 'b', 'c', 'd'].map(owner =>
          store.acquireLease('r1', { owner, expiresAt: at(1) }, options),
        ),
      );
      const winners = attempts.filter(Boolean);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.request).toMatchObject({ id: 'r1', state: 'issuing' });
      const [owner] = await lease('r1');
      const other = owner === 'a' ? 'b' : 'a';

      // Only the owner renews; nobody else takes it before it expires.
      expect(
        await store.renewLease('r1', { owner: other, expiresAt: at(9) }),
      ).toBe(false);
      expect(await store.renewLease('r1', { owner, expiresAt: at(2) })).toBe(
        true,
      );
      expect(await lease('r1')).toEqual([owner, at(2)]);
      expect(
        await store.acquireLease(
          'r1',
          { owner: other, expiresAt: at(3) },
          { ...options, now: at(1) },
        ),
      ).toBeUndefined();
      // Its owner takes it again (a retry in the same instance).
      expect(
        await store.acquireLease(
          'r1',
          { owner, expiresAt: at(2) },
          { ...options, now: at(1) },
        ),
      ).toBeDefined();

      // Expired: another owner takes it over.
      const taken = await store.acquireLease(
        'r1',
        { owner: other, expiresAt: at(4) },
        { ...options, now: at(3) },
      );
      expect(taken?.request.id).toBe('r1');
      expect(await store.renewLease('r1', { owner, expiresAt: at(5) })).toBe(
        false,
      );
      await store.releaseLease('r1', owner);
      expect(await lease('r1')).toEqual([other, at(4)]);
      await store.releaseLease('r1', other);
      expect(await lease('r1')).toEqual([null, null]);

      // Not in one of the given states: no lease.
      await store.create(newRequest('r2', 'issued'));
      expect(
        await store.acquireLease('r2', { owner, expiresAt: at(1) }, options),
      ).toBeUndefined();
      expect(
        await store.acquireLease(
          'missing',
          { owner, expiresAt: at(1) },
          options,
        ),
      ).toBeUndefined();
    },
  );

  db.test(
    'a transition under a lease settles only for its owner and releases the lease',
    async ({ knex }) => {
      const { store, lease } = await setup(knex);
      await store.create(newRequest('r1'));
      await store.acquireLease(
        'r1',
        { owner: 'b', expiresAt: at(5) },
        { states: ['issuing'], now: at(0) },
      );
      expect(
        await store.transition('r1', ['issuing'], 'failed', {
          failureReason: 'late',
          releaseLeaseOf: 'a',
        }),
      ).toBeUndefined();
      expect((await store.get('r1'))?.state).toBe('issuing');
      const done = await store.transition('r1', ['issuing'], 'issued', {
        serialNumber: '0a',
        releaseLeaseOf: 'b',
      });
      expect(done).toMatchObject({ state: 'issued', serialNumber: '0a' });
      expect(await lease('r1')).toEqual([null, null]);
    },
  );

  db.test(
    'records what was signed, and the pending key, for the lease owner only and hands them to the next owner',
    async ({ knex }) => {
      const { store } = await setup(knex);
      await store.create(newRequest('r1'));
      const first = await store.acquireLease(
        'r1',
        { owner: 'a', expiresAt: at(1) },
        { states: ['issuing'], now: at(0) },
      );
      expect(first?.signedFingerprint).toBeUndefined();
      expect(await store.recordSigned('r1', 'b', 'f'.repeat(64))).toBe(false);
      expect(await store.recordSigned('r1', 'a', 'a'.repeat(64))).toBe(true);
      // The pending key's fingerprint likewise.
      expect(await store.recordPendingKey('r1', 'b', 'e'.repeat(64))).toBe(
        false,
      );
      expect(await store.recordPendingKey('r1', 'a', 'c'.repeat(64))).toBe(
        true,
      );
      const next = await store.acquireLease(
        'r1',
        { owner: 'b', expiresAt: at(3) },
        { states: ['issuing'], now: at(2) },
      );
      expect(next?.signedFingerprint).toBe('a'.repeat(64));
      expect(next?.pendingKeyFingerprint).toBe('c'.repeat(64));
    },
  );

  db.test(
    'pagesByState with leaseFreeAt leaves out requests under a live lease',
    async ({ knex }) => {
      const { store } = await setup(knex);
      for (const id of ['free', 'live', 'expired', 'released'])
        await store.create(newRequest(id));
      const take = (id: string, expiresAt: string) =>
        store.acquireLease(
          id,
          { owner: 'a', expiresAt },
          { states: ['issuing'], now: at(0) },
        );
      await take('live', at(10));
      await take('expired', at(4));
      await take('released', at(10));
      await store.releaseLease('released', 'a');
      const ids: string[] = [];
      for await (const page of store.pagesByState({
        states: ['issuing'],
        leaseFreeAt: at(5),
      })) {
        ids.push(...page.map(r => r.id));
      }
      expect(ids.sort()).toEqual(['expired', 'free', 'released']);
    },
  );
});
