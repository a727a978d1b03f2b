import { Knex } from 'knex';
import {
  CertificateListFilter,
  CountsResponse,
} from '@kubecerts/backstage-plugin-certificates-common';
import { describeDatabases } from '../../__testUtils__';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { testRow } from './testRows';
import { CertificatePermissionFilter } from './types';

const NOW = '2026-12-01T00:00:00.000Z';
const day = (i: number) =>
  new Date(Date.parse(NOW) + i * 86_400_000).toISOString();

const STATUSES = ['critical', 'expiring', 'valid'] as const;

async function seeded(knex: Knex) {
  const store = DatabaseInventoryStore.create({ knex });
  const rows = Array.from({ length: 60 }, (_, i) =>
    testRow({
      cluster: `c${i % 3}`,
      name: `tls-${i}`,
      leaf: { notAfter: day(1 + (i % 40)), issuer: `CN=CA ${i % 4}` },
      status: STATUSES[Math.min(2, Math.floor((i % 40) / 14))],
      findings: [
        ...(i % 5 === 0 ? (['unowned'] as const) : []),
        ...(i % 7 === 0 ? (['weak-key'] as const) : []),
      ],
      entityRef: i % 5 === 0 ? undefined : `component:default/e${i % 4}`,
      ownerRef: i % 5 === 0 ? undefined : `group:default/t${i % 2}`,
    }),
  );
  await store.upsertCertificates(rows, NOW);
  await store.markGone([rows[1].id, rows[3].id], NOW);
  return store;
}

/** The counts recomputed from the rows a list returns. */
async function recount(
  store: DatabaseInventoryStore,
  filter: CertificateListFilter,
  permissionFilter?: CertificatePermissionFilter,
) {
  const { items } = await store.listCertificates({
    filter,
    permissionFilter,
    limit: 500,
  });
  const byStatus: Record<string, number> = {};
  const byIssuer: Record<string, number> = {};
  for (const c of items) {
    byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    byIssuer[c.issuer!] = (byIssuer[c.issuer!] ?? 0) + 1;
  }
  const nearest = items
    .filter(c => c.notAfter! > NOW)
    .sort((a, b) => a.notAfter!.localeCompare(b.notAfter!))[0];
  return { total: items.length, byStatus, byIssuer, nearest: nearest?.id };
}

const counted = (c: CountsResponse) => ({
  total: c.total,
  byStatus: c.byStatus,
  byIssuer: Object.fromEntries(c.byIssuer.map(i => [i.issuer, i.count])),
  nearest: c.nearestExpiry?.id,
});

describeDatabases('inventory aggregates', db => {
  db.test(
    'counts exactly what each decision lets the caller list',
    async ({ knex }) => {
      const store = await seeded(knex);
      const cases: Array<
        [CertificateListFilter, CertificatePermissionFilter | undefined]
      > = [
        [{}, undefined],
        [{}, { key: 'owner_ref', values: ['group:default/t1'] }],
        [{}, { not: { key: 'issuer', values: ['CN=CA 0'] } }],
        [{}, { key: 'owner_ref', values: [] }],
        [{ entityRef: ['component:default/e2'] }, undefined],
        [
          { owner: ['group:default/t0'] },
          { key: 'entity_ref', values: ['component:default/e2'] },
        ],
        [{ status: ['expiring'], cluster: ['c1'] }, undefined],
      ];
      for (const [filter, decision] of cases) {
        const what = JSON.stringify([filter, decision]);
        expect([
          what,
          counted(await store.counts(filter, NOW, decision)),
        ]).toEqual([what, await recount(store, filter, decision)]);
        const weeks = await store.timeline(filter, 8, NOW, decision);
        const inWindow = (
          await store.listCertificates({
            filter: { ...filter, expiresBefore: weeks.at(-1)!.weekStart },
            permissionFilter: decision,
            limit: 500,
          })
        ).items.filter(c => c.notAfter! >= weeks[0].weekStart);
        expect([
          what,
          weeks.slice(0, -1).reduce((sum, w) => sum + w.total, 0),
        ]).toEqual([what, inWindow.length]);
      }
    },
  );

  it('steers SQLite to the entity, owner and issuer indexes (no walk that reads every row)', async () => {
    const knex = await db.migrated('SQLITE_3');
    const store = await seeded(knex);
    const plans: string[] = [];
    const record = async (fn: () => Promise<unknown>) => {
      const statements: Array<{ sql: string; bindings: unknown[] }> = [];
      const onQuery = (q: { sql: string; bindings: unknown[] }) =>
        statements.push(q);
      knex.on('query', onQuery);
      await fn();
      knex.off('query', onQuery);
      plans.length = 0;
      for (const s of statements) {
        const rows = await knex.raw(
          `explain query plan ${s.sql}`,
          s.bindings as Knex.RawBinding[],
        );
        plans.push(rows.map((r: { detail: string }) => r.detail).join(' | '));
      }
      return plans.join('\n');
    };
    const entity = { entityRef: ['component:default/e2'] };
    const owner = { key: 'owner_ref' as const, values: ['group:default/t1'] };

    const all = await record(() => store.counts({}, NOW));
    expect(all).toContain(
      'SCAN certificates_inventory USING COVERING INDEX certificates_inventory_issuer_idx',
    );
    expect(all).toContain('COVERING INDEX certificates_inventory_counts_idx');

    for (const [filter, decision] of [
      [entity, undefined],
      [{}, owner],
    ] as const) {
      const counts = await record(() => store.counts(filter, NOW, decision));
      const timeline = await record(() =>
        store.timeline(filter, 12, NOW, decision),
      );
      for (const plan of [counts, timeline]) {
        expect(plan).not.toMatch(/counts_idx|expiry_idx|issuer_idx/);
        expect(plan).toMatch(/certificates_inventory_(entity|owner)_idx/);
      }
    }

    expect(await record(() => store.listClusters())).toContain(
      'SCAN certificates_inventory USING COVERING INDEX certificates_inventory_cluster_rows_idx',
    );
  });
});
