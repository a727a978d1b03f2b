import { Knex } from 'knex';
import {
  CertificateListFilter,
  SortField,
} from '@kubecerts/backstage-plugin-certificates-common';
import { describeDatabases } from '../../__testUtils__';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import {
  applyCursor,
  applyListFilter,
  applyListOrder,
  applyPermissionFilter,
  SORT_COLUMNS,
  TABLE,
} from './queryFilters';
import { listStatement, countStatement } from './listSql';
import { testRow } from './testRows';
import { CertificatePermissionFilter } from './types';

/**
 * The list's SQL is written by hand (listSql.ts) for the list API's sake;
 * these hold it to the query builder's conditions (queryFilters.ts) on the
 * same rows, filters and decisions, on both databases.
 */
describeDatabases('listSql', db => {
  const T0 = Date.parse('2026-12-01T00:00:00.000Z');
  const day = (i: number) => new Date(T0 + i * 86_400_000).toISOString();

  const LOCATIONS: Record<number, 'portal' | 'endpoint'> = {
    8: 'endpoint',
    9: 'portal',
  };
  const statusOf = (i: number) => {
    if (i % 13 === 0) return 'unparseable';
    return i % 5 === 0 ? 'expiring' : 'valid';
  };

  async function seed(knex: Knex) {
    const store = DatabaseInventoryStore.create({ knex });
    const rows = Array.from({ length: 40 }, (_, i) =>
      testRow({
        cluster: i % 10 === 9 ? '' : `c${i % 3}`,
        location: LOCATIONS[i % 10],
        namespace: `ns${i % 4}`,
        name: `tls_${i}%`,
        leaf:
          i % 13 === 0
            ? null
            : {
                commonName: `svc-${i}.example.com`,
                dnsNames: [`svc-${i}.example.com`],
                // Ties on the sort column exercise the id order.
                notAfter: day(i % 7),
                issuer: i % 2 ? 'CN=A' : 'CN=B',
              },
        status: statusOf(i),
        findings: [
          ...(i % 3 === 0 ? (['unowned'] as const) : []),
          ...(i % 4 === 0 ? (['weak-key'] as const) : []),
        ],
        entityRef: i % 3 === 0 ? undefined : `component:default/e${i % 5}`,
        ownerRef: i % 3 === 0 ? undefined : `group:default/t${i % 2}`,
      }),
    );
    await store.upsertCertificates(rows, '2026-11-28T10:00:00.000Z');
    await store.markGone([rows[1].id, rows[2].id], '2026-11-28T11:00:00.000Z');
  }

  const filters: CertificateListFilter[] = [
    {},
    { includeGone: true },
    { entityRef: ['component:default/e1'] },
    { entityRef: ['component:default/e1', 'component:default/e2'] },
    { owner: ['group:default/t0'], status: ['valid'] },
    { location: ['endpoint', 'portal'] },
    { cluster: ['c1'] },
    { cluster: ['portal'] },
    { cluster: ['c2', 'portal'], namespace: ['ns1', 'ns2'] },
    { finding: ['unowned', 'weak-key'] },
    { issuer: ['CN=A'], includeGone: true },
    { q: 'SVC-1' },
    { q: 'tls_1%' },
    { q: '   ' },
    { expiresBefore: day(3) },
  ];
  const decisions: Array<CertificatePermissionFilter | undefined> = [
    undefined,
    { key: 'owner_ref', values: ['group:default/t1'] },
    { key: 'owner_ref', values: [] },
    // Empty groups (the types forbid them; a decision may still hold one).
    { anyOf: [] } as unknown as CertificatePermissionFilter,
    { allOf: [] } as unknown as CertificatePermissionFilter,
    {
      anyOf: [
        { key: 'entity_ref', values: ['component:default/e2'] },
        { key: 'issuer', values: ['CN=B'] },
      ],
    },
    {
      allOf: [
        { key: 'owner_ref', values: ['group:default/t0', 'group:default/t1'] },
        { not: { key: 'issuer', values: ['CN=A'] } },
      ],
    },
    {
      not: { anyOf: [{ key: 'entity_ref', values: ['component:default/e4'] }] },
    },
  ];

  /** The ids the query builder's conditions list, in order. */
  async function builderIds(
    knex: Knex,
    o: {
      filter: CertificateListFilter;
      permissionFilter?: CertificatePermissionFilter;
      sort: SortField;
      order: 'asc' | 'desc';
      cursor?: { value: string; id: string };
    },
  ): Promise<string[]> {
    const qb = knex(TABLE).select('id');
    applyListFilter(qb, o.filter);
    applyPermissionFilter(qb, o.permissionFilter);
    const column = SORT_COLUMNS[o.sort];
    if (o.cursor) applyCursor(qb, column, o.order, o.cursor);
    applyListOrder(qb, {
      column,
      order: o.order,
      filter: o.filter,
      permissionFilter: o.permissionFilter,
      sqlite: knex.client.config.client === 'better-sqlite3',
    });
    return (await qb).map((r: { id: string }) => r.id);
  }

  db.test(
    'lists and counts what the query builder does, for every filter and decision',
    async ({ knex, databaseId }) => {
      await seed(knex);
      const sqlite = databaseId.startsWith('SQLITE');
      const run = async (s: { sql: string; bindings: unknown[] }) => {
        const result = await knex.raw(s.sql, s.bindings as Knex.RawBinding[]);
        return (Array.isArray(result) ? result : result.rows) as Array<
          Record<string, unknown>
        >;
      };
      let compared = 0;
      for (const filter of filters) {
        for (const permissionFilter of decisions) {
          for (const [sort, order] of [
            ['notAfter', 'asc'],
            ['commonName', 'desc'],
          ] as const) {
            const expected = await builderIds(knex, {
              filter,
              permissionFilter,
              sort,
              order,
            });
            const options = { filter, permissionFilter, sort, order, sqlite };
            const all = await run(listStatement({ ...options, limit: 1000 }));
            const what = JSON.stringify({ filter, permissionFilter, sort });
            expect([what, all.map(r => r.id)]).toEqual([what, expected]);
            const [{ count }] = await run(
              countStatement(filter, permissionFilter),
            );
            expect([what, Number(count)]).toEqual([what, expected.length]);
            // After a cursor in the middle (or the start of an empty list):
            // the builder's keyset condition.
            const mid = all[Math.floor(all.length / 2)];
            const cursor = {
              value: String(mid?.[SORT_COLUMNS[sort]] ?? ''),
              id: String(mid?.id ?? ''),
            };
            const after = await run(
              listStatement({ ...options, cursor, limit: 1000 }),
            );
            expect([what, after.map(r => r.id)]).toEqual([
              what,
              await builderIds(knex, { ...options, cursor }),
            ]);
            compared++;
          }
        }
      }
      expect(compared).toBe(filters.length * decisions.length * 2);
    },
  );

  it('plans an entity list on SQLite as the query builder does (entity index, sorted)', async () => {
    const knex = await db.migrated('SQLITE_3');
    await seed(knex);
    const plan = async (sql: string, bindings: unknown[]) =>
      (await knex.raw(`explain query plan ${sql}`, bindings as any))
        .map((r: { detail: string }) => r.detail)
        .join(' | ');
    const filter = { entityRef: ['component:default/e1'] };
    const s = listStatement({
      filter,
      sort: 'notAfter',
      order: 'asc',
      limit: 51,
      sqlite: true,
    });
    const p = await plan(s.sql, s.bindings);
    expect(p).toContain('certificates_inventory_entity_idx');
    expect(p).toContain('TEMP B-TREE FOR ORDER BY');
    const all = listStatement({
      filter: {},
      sort: 'notAfter',
      order: 'asc',
      limit: 51,
      sqlite: true,
    });
    expect(await plan(all.sql, all.bindings)).toContain(
      'certificates_inventory_expiry_idx',
    );
  });

  it('never writes a condition key it does not know into the SQL', () => {
    const s = listStatement({
      filter: {},
      permissionFilter: {
        key: 'secret"; drop table x; --',
        values: ['a'],
      } as unknown as CertificatePermissionFilter,
      sort: 'notAfter',
      order: 'asc',
      limit: 1,
      sqlite: false,
    });
    expect(s.sql).not.toContain('drop');
    expect(s.sql).toContain('1 = 0');
  });
});
