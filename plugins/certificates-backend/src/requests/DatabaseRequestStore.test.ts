import { TestDatabases } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@internal/plugin-certificates-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { applyDatabaseMigrations } from '../database';
import { pendingRequest } from '../approvals/__testUtils__/TableRequests';
import {
  matchesRequestCriteria,
  RequestQuery,
} from '../approvals/requestPermissions';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** 1,203 pending requests over three creation times (more than one page), and some decided. */
async function seed(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations({ knex });
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
