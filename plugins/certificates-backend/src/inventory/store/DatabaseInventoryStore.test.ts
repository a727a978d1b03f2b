import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { testRow } from './testRows';
import { CertificatePermissionFilter } from './types';
import { databaseSuite } from '../../__testUtils__';

const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T11:00:00.000Z';

describe('DatabaseInventoryStore', () => {
  const db = databaseSuite(knex => ({
    store: DatabaseInventoryStore.create({ knex }),
  }));

  db.test(
    'a renewal rewrites indexed and unindexed columns alike, and keeps first-seen',
    async ({ store }) => {
      const row = testRow({
        name: 'api-tls',
        entityRef: 'component:default/api',
      });
      await store.upsertCertificates([row], T0);
      const renewed = testRow({
        name: 'api-tls',
        entityRef: 'component:default/api',
        resourceVersion: '2',
        status: 'expiring',
        leaf: {
          notAfter: '2026-12-20T00:00:00.000Z',
          serialNumber: '02',
          dnsNames: ['api.example.com', 'api.internal'],
          commonName: 'api.example.com',
          fingerprintSha256: 'e'.repeat(64),
        },
        chainPem: 'renewed chain',
      });
      await store.upsertCertificates([renewed], T1);
      const details = await store.getCertificate(row.id);
      expect(details).toMatchObject({
        status: 'expiring',
        notAfter: '2026-12-20T00:00:00.000Z',
        commonName: 'api.example.com',
        dnsNames: ['api.example.com', 'api.internal'],
        firstSeenAt: T0,
        lastSeenAt: T1,
      });
      expect(details!.leaf?.serialNumber).toBe('02');
      expect(await store.getChainPem(row.id)).toBe('renewed chain');
      const list = await store.listCertificates({
        filter: { entityRef: ['component:default/api'], q: 'internal' },
        limit: 10,
      });
      expect(list.items.map(i => i.id)).toEqual([row.id]);
      expect(details!.history.map(h => h.event)).toEqual([
        'first-seen',
        'changed',
      ]);
    },
  );

  db.test(
    'writes the same rows with and without prepared statements, also once PostgreSQL plans them generically',
    async ({ knex }) => {
      const stores = [true, false].map(preparedStatements =>
        DatabaseInventoryStore.create({ knex, preparedStatements }),
      );
      // Past five executions PostgreSQL may run a prepared statement with a
      // generic plan: batches of varying size go through it after that.
      for (let round = 0; round < 8; round++) {
        for (const [k, store] of stores.entries()) {
          const rows = Array.from({ length: 1 + (round % 3) }, (_, i) =>
            testRow({
              namespace: `ns-${k}`,
              name: `tls-${i}`,
              resourceVersion: String(round),
              leaf: {
                serialNumber: `0${round}`,
                fingerprintSha256: String(round).repeat(64),
                notAfter: `2027-01-0${1 + round}T00:00:00.000Z`,
              },
            }),
          );
          await store.upsertCertificates(rows, T0);
          if (round === 7) await store.markGone([rows[0].id], T1);
        }
      }
      for (const [k, store] of stores.entries()) {
        const list = await store.listCertificates({
          filter: { namespace: [`ns-${k}`] },
          limit: 10,
        });
        expect(list.items.map(i => [i.secretName, i.notAfter])).toEqual([
          ['tls-2', '2027-01-06T00:00:00.000Z'],
          ['tls-1', '2027-01-08T00:00:00.000Z'],
        ]);
        const gone = await store.getCertificate(
          testRow({ namespace: `ns-${k}`, name: 'tls-0' }).id,
        );
        expect(gone!.goneAt).toBe(T1);
        expect(gone!.history.map(h => h.event)).toEqual([
          'first-seen',
          ...Array(7).fill('changed'),
          'gone',
        ]);
      }
    },
  );

  db.test('upserts rows and records history', async ({ store }) => {
    const row = testRow({
      name: 'web-tls',
      entityRef: 'component:default/web',
      ownerRef: 'group:default/a',
    });
    await store.upsertCertificates([row], T0);
    await store.upsertCertificates([row], T1);
    let details = await store.getCertificate(row.id);
    expect(details).toMatchObject({
      id: row.id,
      cluster: 'c1',
      namespace: 'ns1',
      secretName: 'web-tls',
      commonName: 'app.example.com',
      dnsNames: ['app.example.com'],
      status: 'valid',
      firstSeenAt: T0,
      lastSeenAt: T1,
      ownership: {
        entityRef: 'component:default/web',
        ownerRef: 'group:default/a',
      },
    });
    expect(details!.history.map(h => h.event)).toEqual(['first-seen']);

    await store.upsertCertificates(
      [
        testRow({
          name: 'web-tls',
          leaf: { fingerprintSha256: 'a'.repeat(64) },
        }),
      ],
      T1,
    );
    await store.markGone([row.id], T1);
    await store.markGone([row.id], T1);
    expect((await store.listLiveVersions('c1')).length).toBe(0);
    expect(
      (await store.listCertificates({ filter: {}, limit: 10 })).totalCount,
    ).toBe(0);
    expect(
      (
        await store.listCertificates({
          filter: { includeGone: true },
          limit: 10,
        })
      ).items[0].goneAt,
    ).toBe(T1);
    await store.upsertCertificates([row], T1);
    details = await store.getCertificate(row.id);
    expect(details!.goneAt).toBeUndefined();
    expect(details!.history.map(h => h.event)).toEqual([
      'first-seen',
      'changed',
      'owner-changed',
      'gone',
      'returned',
      'changed',
      'owner-changed',
    ]);
  });

  db.test(
    'an update writes every changed column, clears removed values and keeps the rest',
    async ({ store }) => {
      const before = testRow({
        name: 'api-tls',
        entityRef: 'component:default/api',
        ownerRef: 'group:default/a',
        ownershipRule: 'secret-label',
        labels: { app: 'api' },
        requestId: 'req-1',
      });
      await store.upsertCertificates([before], T0);
      const after = testRow({
        name: 'api-tls',
        resourceVersion: '2',
        status: 'expiring',
        findings: ['weak-key'],
        labels: { app: 'api', tier: 'edge' },
        chainPem: undefined,
        leaf: {
          commonName: 'api.example.com',
          dnsNames: ['api.example.com', 'www.example.com'],
          notAfter: '2026-12-01T00:00:00.000Z',
          keyAlgorithm: 'RSA',
          keySize: 1024,
          curve: undefined,
          fingerprintSha256: 'b'.repeat(64),
        },
      });
      await store.upsertCertificates([after], T1);
      const details = await store.getCertificate(before.id);
      expect(details).toMatchObject({
        commonName: 'api.example.com',
        dnsNames: ['api.example.com', 'www.example.com'],
        notAfter: '2026-12-01T00:00:00.000Z',
        status: 'expiring',
        findings: ['weak-key'],
        keyAlgorithm: 'RSA',
        keySize: 1024,
        fingerprintSha256: 'b'.repeat(64),
        firstSeenAt: T0,
        lastSeenAt: T1,
      });
      // A discovered row stores no request link, whoever writes one: it is
      // linked only when its certificate proves it (requestLinks.ts).
      expect(details!.requestId).toBeUndefined();
      expect(details!.curve).toBeUndefined();
      expect(details!.ownership.entityRef).toBeUndefined();
      expect(details!.ownership.ownerRef).toBeUndefined();
      const [live] = await store.listLiveVersions('c1');
      expect(live.resourceVersion).toBe('2');
      // Found by the new name, not by the old one.
      const search = async (text: string) =>
        (await store.listCertificates({ filter: { q: text }, limit: 5 }))
          .totalCount;
      expect(await search('www.example.com')).toBe(1);
      expect(await search('app.example.com')).toBe(0);
      expect(
        (
          await store.listCertificates({
            filter: { entityRef: ['component:default/api'] },
            limit: 5,
          })
        ).totalCount,
      ).toBe(0);
    },
  );

  it('on SQLite, a write while a transaction holds the connection waits for it and is not rolled back with it', async () => {
    const knex = await db.migrated('SQLITE_3');
    const store = DatabaseInventoryStore.create({ knex });
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    let started!: () => void;
    const inside = new Promise<void>(resolve => {
      started = resolve;
    });
    const transaction = knex
      .transaction(async trx => {
        await trx('certificates_clusters').insert({ name: 'x', state: 'ok' });
        started();
        await held;
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await inside;
    let written = false;
    const write = store
      .upsertCertificates([testRow({ name: 'during' })], T0)
      .then(() => {
        written = true;
      });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(written).toBe(false);
    release();
    await transaction;
    await write;
    expect(await knex('certificates_clusters').select('name')).toEqual([]);
    expect((await store.listLiveVersions('c1')).map(v => v.id)).toEqual([
      testRow({ name: 'during' }).id,
    ]);
  });

  db.test('handles batches above the statement limit', async ({ store }) => {
    const rows = Array.from({ length: 1200 }, (_, i) =>
      testRow({ name: `s-${i}` }),
    );
    await store.upsertCertificates(rows, T0);
    expect((await store.listLiveVersions('c1')).length).toBe(1200);
    const seen: string[] = [];
    await store.forEachRow(
      'c1',
      async batch => {
        seen.push(...batch.map(r => r.id));
      },
      500,
    );
    expect(new Set(seen).size).toBe(1200);
    await store.markGone(
      rows.slice(0, 700).map(r => r.id),
      T1,
    );
    expect((await store.listLiveVersions('c1')).length).toBe(500);
  });

  db.test('filters, sorts and pages with a cursor', async ({ store }) => {
    await store.upsertCertificates(
      [
        testRow({
          name: 'a',
          leaf: {
            notAfter: '2026-12-01T00:00:00.000Z',
            commonName: 'shop.example.com',
            dnsNames: ['shop.example.com'],
          },
          status: 'expiring',
          findings: ['weak-key'],
          ownerRef: 'group:default/a',
          entityRef: 'component:default/shop',
        }),
        testRow({
          name: 'b',
          leaf: { notAfter: '2026-11-01T00:00:00.000Z', issuer: 'CN=Other' },
          status: 'expired',
          findings: ['self-signed', 'unowned'],
        }),
        testRow({
          name: 'c',
          cluster: 'c2',
          leaf: { notAfter: '2027-06-01T00:00:00.000Z' },
          ownerRef: 'group:default/b',
        }),
        testRow({
          name: 'd',
          namespace: 'ns2',
          leaf: null,
          status: 'unparseable',
          findings: ['unowned'],
        }),
        testRow({
          name: 'e_%',
          leaf: { notAfter: '2027-02-01T00:00:00.000Z' },
        }),
      ],
      T0,
    );
    const names = async (q: Parameters<typeof store.listCertificates>[0]) =>
      (await store.listCertificates(q)).items.map(i => i.secretName);
    /** The first page of everything the permission conditions let through. */
    const namesAllowedBy = (permissionFilter: CertificatePermissionFilter) =>
      names({ filter: {}, limit: 10, permissionFilter });

    expect(await names({ filter: {}, limit: 10 })).toEqual([
      'd',
      'b',
      'a',
      'e_%',
      'c',
    ]);
    expect(
      await names({ filter: {}, limit: 10, sort: 'notAfter', order: 'desc' }),
    ).toEqual(['c', 'e_%', 'a', 'b', 'd']);
    expect(
      await names({ filter: { status: ['expired', 'expiring'] }, limit: 10 }),
    ).toEqual(['b', 'a']);
    expect(
      await names({ filter: { finding: ['unowned'] }, limit: 10 }),
    ).toEqual(['d', 'b']);
    expect(
      await names({
        filter: { finding: ['weak-key', 'self-signed'] },
        limit: 10,
      }),
    ).toEqual(['b', 'a']);
    expect(await names({ filter: { cluster: ['c2'] }, limit: 10 })).toEqual([
      'c',
    ]);
    expect(await names({ filter: { namespace: ['ns2'] }, limit: 10 })).toEqual([
      'd',
    ]);
    expect(
      await names({ filter: { owner: ['group:default/a'] }, limit: 10 }),
    ).toEqual(['a']);
    expect(
      await names({
        filter: { entityRef: ['component:default/shop'] },
        limit: 10,
      }),
    ).toEqual(['a']);
    expect(
      await names({ filter: { issuer: ['CN=Other'] }, limit: 10 }),
    ).toEqual(['b']);
    expect(await names({ filter: { q: 'SHOP' }, limit: 10 })).toEqual(['a']);
    expect(await names({ filter: { q: '_%' }, limit: 10 })).toEqual(['e_%']);
    expect(await names({ filter: { q: '%' }, limit: 10 })).toEqual(['e_%']);
    expect(
      await names({
        filter: { expiresBefore: '2026-12-31T00:00:00.000Z' },
        limit: 10,
      }),
    ).toEqual(['b', 'a']);
    expect(await names({ filter: {}, limit: 10, sort: 'commonName' })).toEqual([
      'd',
      'b',
      'c',
      'e_%',
      'a',
    ]);

    // permission conditions become SQL
    expect(
      await namesAllowedBy({ key: 'owner_ref', values: ['group:default/b'] }),
    ).toEqual(['c']);
    expect(
      await namesAllowedBy({
        anyOf: [
          { key: 'owner_ref', values: ['group:default/b'] },
          { key: 'issuer', values: ['CN=Other'] },
        ],
      }),
    ).toEqual(['b', 'c']);
    expect(
      await namesAllowedBy({
        not: { key: 'issuer', values: ['CN=Issuing CA'] },
      }),
    ).toEqual(['b']);
    expect(await namesAllowedBy({ key: 'owner_ref', values: [] })).toEqual([]);

    // pagination
    const collected: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listCertificates({
        filter: {},
        limit: 2,
        cursor,
        order: 'desc',
      });
      expect(page.totalCount).toBe(5);
      collected.push(...page.items.map(i => i.secretName));
      cursor = page.nextCursor;
    } while (cursor);
    expect(collected).toEqual(['c', 'e_%', 'a', 'b', 'd']);
    await expect(
      store.listCertificates({ filter: {}, limit: 2, cursor: 'nope' }),
    ).rejects.toThrow('Invalid cursor');

    const exported: string[] = [];
    await store.exportCertificates({ filter: { cluster: ['c1'] } }, rows => {
      exported.push(...rows.map(r => r.secretName));
    });
    expect(exported).toEqual(['d', 'b', 'a', 'e_%']);
  });

  db.test('counts, timeline and clusters', async ({ store }) => {
    await store.upsertCertificates(
      [
        testRow({
          name: 'a',
          leaf: { notAfter: '2026-12-01T00:00:00.000Z' },
          status: 'expiring',
          findings: ['weak-key', 'unowned'],
        }),
        testRow({
          name: 'b',
          leaf: { notAfter: '2026-12-02T00:00:00.000Z' },
          status: 'expiring',
          findings: ['unowned'],
          ownerRef: 'group:default/a',
        }),
        testRow({
          name: 'c',
          cluster: 'c2',
          leaf: { notAfter: '2026-12-20T00:00:00.000Z', issuer: 'CN=Other' },
          status: 'valid',
        }),
        testRow({
          name: 'd',
          leaf: { notAfter: '2026-11-01T00:00:00.000Z' },
          status: 'expired',
        }),
      ],
      T0,
    );
    const counts = await store.counts({}, T0);
    expect(counts.total).toBe(4);
    expect(counts.byStatus).toEqual({ expiring: 2, valid: 1, expired: 1 });
    expect(counts.byFinding).toEqual({ 'weak-key': 1, unowned: 2 });
    expect(counts.byCluster).toEqual([
      { cluster: 'c1', count: 3 },
      { cluster: 'c2', count: 1 },
    ]);
    expect(counts.byIssuer).toEqual([
      { issuer: 'CN=Issuing CA', count: 3 },
      { issuer: 'CN=Other', count: 1 },
    ]);
    expect(counts.byOwner).toEqual(
      expect.arrayContaining([
        { owner: null, count: 3 },
        { owner: 'group:default/a', count: 1 },
      ]),
    );
    expect(counts.nearestExpiry?.secretName).toBe('a');
    expect((await store.counts({ cluster: ['c2'] }, T0)).total).toBe(1);

    const aggregates = await store.aggregates();
    expect(aggregates.byClusterAndStatus).toEqual(
      expect.arrayContaining([
        { location: 'cluster', cluster: 'c1', status: 'expiring', count: 2 },
        { location: 'cluster', cluster: 'c1', status: 'expired', count: 1 },
        { location: 'cluster', cluster: 'c2', status: 'valid', count: 1 },
      ]),
    );
    expect(aggregates.earliestExpiry).toEqual(
      expect.arrayContaining([
        {
          location: 'cluster',
          cluster: 'c1',
          notAfter: '2026-11-01T00:00:00.000Z',
        },
        {
          location: 'cluster',
          cluster: 'c2',
          notAfter: '2026-12-20T00:00:00.000Z',
        },
      ]),
    );

    // 2026-11-28 is a Saturday: the first week starts Monday 2026-11-23.
    const buckets = await store.timeline({}, 5, T0);
    expect(
      buckets.map(b => [b.weekStart.slice(0, 10), b.total, b.byStatus]),
    ).toEqual([
      ['2026-11-23', 0, {}],
      ['2026-11-30', 2, { expiring: 2 }],
      ['2026-12-07', 0, {}],
      ['2026-12-14', 1, { valid: 1 }],
      ['2026-12-21', 0, {}],
    ]);

    await store.setClusterStatus({
      name: 'c1',
      simulated: true,
      state: 'ok',
      lastSyncAt: T0,
      lastAttemptAt: T0,
    });
    await store.setClusterStatus({
      name: 'c2',
      simulated: false,
      state: 'degraded',
      lastAttemptAt: T1,
      degradedReason: '403 Forbidden',
    });
    await store.setClusterStatus({
      name: 'c1',
      simulated: true,
      state: 'syncing',
      lastAttemptAt: T1,
    });
    expect(await store.listClusters()).toEqual([
      {
        name: 'c1',
        simulated: true,
        state: 'syncing',
        lastSyncAt: T0,
        lastAttemptAt: T1,
        degradedReason: undefined,
        certificateCount: 3,
      },
      {
        name: 'c2',
        simulated: false,
        state: 'degraded',
        lastSyncAt: undefined,
        lastAttemptAt: T1,
        degradedReason: '403 Forbidden',
        certificateCount: 1,
      },
    ]);
  });

  db.test(
    'keeps relations to Ingresses and cert-manager',
    async ({ store }) => {
      const row = testRow({ name: 'web-tls' });
      await store.upsertCertificates([row], T0);
      await store.upsertObjects('c1', [
        {
          kind: 'Ingress',
          namespace: 'ns1',
          name: 'web',
          labels: { app: 'web' },
          data: {},
          refs: [
            {
              secretNamespace: 'ns1',
              secretName: 'web-tls',
              hosts: ['web.example.com'],
            },
            {
              secretNamespace: 'ns1',
              secretName: 'web-tls',
              hosts: ['web.example.com'],
            },
          ],
        },
        {
          kind: 'Certificate',
          namespace: 'ns1',
          name: 'web',
          data: {
            certManager: {
              name: 'web',
              namespace: 'ns1',
              issuerRef: { name: 'le', kind: 'ClusterIssuer' },
            },
          },
          refs: [{ secretNamespace: 'ns1', secretName: 'web-tls', hosts: [] }],
        },
        {
          kind: 'Issuer',
          namespace: 'ns1',
          name: 'ca',
          data: { type: 'ca' },
          refs: [],
        },
      ]);
      let details = await store.getCertificate(row.id);
      expect(details!.usedBy).toEqual([
        {
          kind: 'Ingress',
          namespace: 'ns1',
          name: 'web',
          hosts: ['web.example.com'],
        },
      ]);
      expect(details!.certManager).toEqual({
        name: 'web',
        namespace: 'ns1',
        issuerRef: { name: 'le', kind: 'ClusterIssuer' },
      });
      expect((await store.listObjects('c1')).length).toBe(3);
      expect((await store.listObjects('c1', 'Ingress'))[0].refs).toHaveLength(
        1,
      );

      await store.deleteObjects('c1', [
        { kind: 'Ingress', namespace: 'ns1', name: 'web' },
      ]);
      details = await store.getCertificate(row.id);
      expect(details!.usedBy).toEqual([]);
      expect(await store.getChainPem(row.id)).toContain('BEGIN CERTIFICATE');
      expect(await store.getChainPem('missing')).toBeUndefined();
      expect(
        await store.getCertificate(row.id, { key: 'owner_ref', values: ['x'] }),
      ).toBeUndefined();
    },
  );

  db.test(
    'keeps rows inline up to a page on PostgreSQL and stores a longer chain whole',
    async ({ databaseId, knex, store }) => {
      const postgres = databaseId === 'POSTGRES_15';
      const storage = postgres
        ? (
            await knex.raw(
              "select reloptions from pg_class where relname = 'certificates_inventory'",
            )
          ).rows[0].reloptions
        : null;
      expect(storage).toEqual(postgres ? ['toast_tuple_target=8160'] : null);
      const chainPem =
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'.repeat(
          400,
        );
      const row = testRow({ name: 'long-chain', chainPem });
      await store.upsertCertificates([row, testRow({ name: 'short' })], T0);
      expect(await store.getChainPem(row.id)).toBe(chainPem);
      expect((await store.getCertificate(row.id))?.lastSeenAt).toBe(T0);
    },
  );
});
