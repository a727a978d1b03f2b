import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { pendingRequest } from '../approvals/__testUtils__/TableRequests';
import { matchesRequestCriteria, RequestQuery } from '../permissions';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';
import { migratedDatabase, testDatabases } from '../__testUtils__';

jest.setTimeout(120_000);

const databases = testDatabases();

/** 1,203 pending requests over three creation times (more than one page), and some decided. */
async function seed(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await migratedDatabase(databases, databaseId);
  const times = [
    '2026-11-20T10:00:00.000Z',
    '2026-11-21T10:00:00.000Z',
    '2026-11-22T10:00:00.000Z',
  ];
  const all: CertificateRequest[] = [];
  for (const [t, at] of times.entries()) {
    const store = DatabaseRequestStore.create({
      knex,
      now: () => new Date(at),
    });
    const batch: NewRequest[] = Array.from({ length: 401 }, (_, i) => {
      const k = t * 401 + i;
      const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
        id: `req-${String(k).padStart(5, '0')}`,
        issuer: k % 3 === 0 ? 'acme' : 'builtin',
        ownerRef: k % 4 === 0 ? undefined : `group:default/team-${k % 4}`,
        requester: `user:default/dev-${k % 5}`,
      });
      return request;
    });
    batch.push(
      ...['approved', 'issued', 'denied'].map((state, i) => {
        const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
          id: `done-${t}-${i}`,
          state: state as CertificateRequest['state'],
        });
        return request;
      }),
    );
    all.push(...(await store.createMany(batch)));
  }
  return {
    store: DatabaseRequestStore.create({ knex }),
    pending: all.filter(r => r.state === 'pending'),
  };
}

const ids = (rs: CertificateRequest[]) => rs.map(r => r.id);

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore.listPending on %s',
  databaseId => {
    it('lists every pending request past one query page, oldest first, and filters in the query', async () => {
      const { store, pending } = await seed(databaseId);

      const everything = await store.listPending();
      expect(everything).toHaveLength(1203);
      expect(ids(everything)).toEqual(ids(pending));
      expect(everything.every(r => r.state === 'pending')).toBe(true);

      // A conditional decision: the caller's teams' requests, or their own.
      const permission: PermissionCriteria<RequestQuery> = {
        anyOf: [
          { property: 'ownerRef', values: ['GROUP:default/team-1'] },
          {
            allOf: [
              { property: 'requester', values: ['user:default/dev-2'] },
              { not: { property: 'issuer', values: ['acme'] } },
            ],
          },
        ],
      };
      const permitted = await store.listPending({ permission });
      expect(ids(permitted)).toEqual(
        ids(pending.filter(r => matchesRequestCriteria(permission, r))),
      );
      expect(permitted.length).toBeGreaterThan(300);

      const filtered = await store.listPending({
        issuers: ['acme'],
        owners: ['Group:Default/Team-2', 'group:default/team-3'],
        createdBefore: '2026-11-21T10:00:00.000Z',
      });
      expect(ids(filtered)).toEqual(
        ids(
          pending.filter(
            r =>
              r.issuer === 'acme' &&
              ['group:default/team-2', 'group:default/team-3'].includes(
                r.ownerRef ?? '',
              ) &&
              r.createdAt <= '2026-11-21T10:00:00.000Z',
          ),
        ),
      );
      expect(filtered.length).toBeGreaterThan(50);

      expect(await store.listPending({ owners: [] })).toEqual([]);
      expect(
        await store.listPending({
          permission: { property: 'ownerRef', values: [] },
        }),
      ).toEqual([]);
    });
  },
);

const KINDS = ['csr', 'secret', 'cert-manager'] as const;

/**
 * 1,203 issuing requests over three creation times (more than two query
 * pages), inserted out of id order, each time's ids sorting before the
 * earlier time's; every fifth changed later; and some in other states.
 */
async function seedStates(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await migratedDatabase(databases, databaseId);
  let clock = new Date('2026-11-20T10:00:00.000Z');
  const store = DatabaseRequestStore.create({ knex, now: () => clock });
  const times = [
    '2026-11-20T10:00:00.000Z',
    '2026-11-21T10:00:00.000Z',
    '2026-11-22T10:00:00.000Z',
  ];
  const prefixes = ['m', 'f', 'a'];
  for (const [t, at] of times.entries()) {
    clock = new Date(at);
    const batch: NewRequest[] = Array.from({ length: 401 }, (_, i) => {
      // 7919 and 401 are coprime: every number below 401 once, shuffled.
      const n = (i * 7919) % 401;
      const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
        id: `${prefixes[t]}-${String(n).padStart(5, '0')}`,
        state: 'issuing',
        pendingReason: undefined,
        delivery: { kind: KINDS[n % 3] },
      });
      return request;
    });
    batch.push(
      ...(['approved', 'pending', 'issued'] as const).map(state => {
        const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
          id: `${prefixes[t]}-99999-${state}`,
          state,
        });
        return request;
      }),
    );
    await store.createMany(batch);
  }
  // Every fifth issuing request changes again, later than all creations.
  clock = new Date('2026-11-23T10:00:00.000Z');
  const issuing = (await knex('certificates_requests')
    .where('state', 'issuing')
    .orderBy('id')
    .select('id')) as Array<{ id: string }>;
  const touched = new Set<string>();
  for (const { id } of issuing.filter((_, i) => i % 5 === 0)) {
    expect(
      await knex('certificates_requests')
        .where({ id })
        .update({ updated_at: clock.toISOString() }),
    ).toBe(1);
    touched.add(id);
  }
  const byKey = (a: CertificateRequest, b: CertificateRequest) =>
    a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1);
  const rows = (await knex('certificates_requests').select('id')) as Array<{
    id: string;
  }>;
  const all = (await Promise.all(rows.map(r => store.get(r.id)))).map(r => r!);
  return { knex, store, touched, all: all.sort(byKey) };
}

async function collect(pages: AsyncIterable<CertificateRequest[]>) {
  const sizes: number[] = [];
  const found: CertificateRequest[] = [];
  for await (const page of pages) {
    sizes.push(page.length);
    found.push(...page);
  }
  return { sizes, found };
}

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore.pagesByState on %s',
  databaseId => {
    it('reads every request in the states, oldest first by (createdAt, id), in pages of 500, with the filters in the query', async () => {
      const { store, touched, all } = await seedStates(databaseId);
      const issuing = all.filter(r => r.state === 'issuing');
      expect(issuing).toHaveLength(1203);
      // The seed's order is not the ids' order, nor the insertion order.
      expect(ids(issuing)).not.toEqual([...ids(issuing)].sort());
      expect(issuing[0].id).toBe('m-00000');
      expect(issuing[401].id).toBe('f-00000');

      const everything = await collect(
        store.pagesByState({ states: ['issuing'] }),
      );
      expect(everything.sizes).toEqual([500, 500, 203]);
      expect(ids(everything.found)).toEqual(ids(issuing));
      expect(new Set(ids(everything.found)).size).toBe(1203);

      // updatedBefore is strict: the second day's requests changed at it.
      const firstDay = await collect(
        store.pagesByState({
          states: ['issuing'],
          updatedBefore: '2026-11-21T10:00:00.000Z',
        }),
      );
      expect(ids(firstDay.found)).toEqual(
        ids(issuing.filter(r => r.id.startsWith('m-') && !touched.has(r.id))),
      );
      expect(firstDay.found.length).toBeGreaterThan(300);

      const untouched = await collect(
        store.pagesByState({
          states: ['issuing'],
          updatedBefore: '2026-11-23T10:00:00.000Z',
        }),
      );
      expect(ids(untouched.found)).toEqual(
        ids(issuing.filter(r => !touched.has(r.id))),
      );
      expect(untouched.sizes).toEqual([500, 462]);
      expect(
        (
          await collect(
            store.pagesByState({
              states: ['issuing'],
              updatedBefore: '2026-11-23T10:00:00.001Z',
            }),
          )
        ).found,
      ).toHaveLength(1203);

      const certManager = await collect(
        store.pagesByState({
          states: ['issuing'],
          deliveryKinds: ['cert-manager'],
        }),
      );
      expect(ids(certManager.found)).toEqual(
        ids(issuing.filter(r => r.delivery.kind === 'cert-manager')),
      );
      expect(certManager.found).toHaveLength(399);

      const stuck = await collect(
        store.pagesByState({
          states: ['issuing'],
          updatedBefore: '2026-11-23T10:00:00.000Z',
          exceptDeliveryKinds: ['cert-manager'],
        }),
      );
      expect(ids(stuck.found)).toEqual(
        ids(
          issuing.filter(
            r => r.delivery.kind !== 'cert-manager' && !touched.has(r.id),
          ),
        ),
      );
      expect(stuck.found.length).toBeGreaterThan(500);

      const twoStates = await collect(
        store.pagesByState({ states: ['approved', 'issuing'] }),
      );
      expect(ids(twoStates.found)).toEqual(
        ids(all.filter(r => ['approved', 'issuing'].includes(r.state))),
      );
      expect(twoStates.found).toHaveLength(1206);

      expect((await collect(store.pagesByState({ states: [] }))).found).toEqual(
        [],
      );
      expect(
        (
          await collect(
            store.pagesByState({ states: ['issuing'], deliveryKinds: [] }),
          )
        ).found,
      ).toEqual([]);
    });

    it('misses none when each page leaves the state before the next is read', async () => {
      const { store, all } = await seedStates(databaseId);
      const seen: string[] = [];
      for await (const page of store.pagesByState({ states: ['issuing'] })) {
        for (const request of page) {
          seen.push(request.id);
          expect(
            await store.transition(request.id, ['issuing'], 'issued', {}),
          ).toBeDefined();
        }
      }
      expect(seen).toEqual(ids(all.filter(r => r.state === 'issuing')));
      expect(
        (await collect(store.pagesByState({ states: ['issuing'] }))).found,
      ).toEqual([]);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'DatabaseRequestStore: requesterIsOwner and countOpen on %s',
  databaseId => {
    it("stores whether the requester is an owner (false unless said), and counts one requester's open requests in SQL", async () => {
      const knex = await migratedDatabase(databases, databaseId);
      const store = DatabaseRequestStore.create({ knex });
      const make = (
        id: string,
        requester: string,
        state: CertificateRequest['state'],
        requesterIsOwner?: boolean,
      ): NewRequest => {
        const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
          id,
          requester,
          state,
        });
        const { requesterIsOwner: _, ...rest } = request;
        return requesterIsOwner === undefined
          ? rest
          : { ...rest, requesterIsOwner };
      };
      const owner = await store.create(
        make('own', 'user:default/alice', 'pending', true),
      );
      const [unsaid, notOwner] = await store.createMany([
        make('unsaid', 'user:default/alice', 'approved'),
        make('not-owner', 'user:default/alice', 'issuing', false),
      ]);
      expect([
        owner.requesterIsOwner,
        unsaid.requesterIsOwner,
        notOwner.requesterIsOwner,
      ]).toEqual([true, false, false]);
      expect((await store.get('own'))?.requesterIsOwner).toBe(true);
      expect((await store.get('unsaid'))?.requesterIsOwner).toBe(false);
      expect(
        (await store.listByIds(['own', 'not-owner']))
          .map(r => [r.id, r.requesterIsOwner])
          .sort(),
      ).toEqual([
        ['not-owner', false],
        ['own', true],
      ]);
      expect(
        (await store.transition('own', ['pending'], 'approved', {}))
          ?.requesterIsOwner,
      ).toBe(true);
      // A request stored before the portal recorded it is unknown, not a non-owner's.
      await knex('certificates_requests')
        .where({ id: 'unsaid' })
        .update({ requester_is_owner: null });
      expect((await store.get('unsaid'))?.requesterIsOwner).toBeUndefined();

      await store.createMany(
        (['issued', 'failed', 'denied', 'cancelled'] as const).map(state =>
          make(`done-${state}`, 'user:default/alice', state),
        ),
      );
      await store.createMany([
        make('bob-1', 'user:default/bob', 'pending'),
        make('bob-2', 'user:default/bob', 'issued'),
      ]);
      expect(await store.countOpen('user:default/alice')).toBe(3);
      expect(await store.countOpen('user:default/bob')).toBe(1);
      expect(await store.countOpen('user:default/nobody')).toBe(0);
    });
  },
);
