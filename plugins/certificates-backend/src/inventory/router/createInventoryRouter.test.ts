import { Knex } from 'knex';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { DatabaseInventoryStore } from '../store';
import { testRow } from '../store/testRows';
import { createInventoryRouter } from './createInventoryRouter';
import { csvCell } from './csv';
import {
  databaseSuite,
  noLifecycle,
  ownerOnlyPermissions,
} from '../../__testUtils__';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);
const getAs = (app: express.Express, name: string, path: string) =>
  request(app).get(path).set('Authorization', as(name));

describe('createInventoryRouter', () => {
  const db = databaseSuite();

  async function setup(knex: Knex) {
    const store = DatabaseInventoryStore.create({ knex });
    await store.upsertCertificates(
      [
        testRow({
          name: 'a',
          leaf: {
            notAfter: '2026-12-01T00:00:00.000Z',
            commonName: '=cmd|calc',
            dnsNames: ['a.example.com'],
          },
          status: 'critical',
          ownerRef: 'group:default/team-a',
          entityRef: 'component:default/a',
        }),
        testRow({
          name: 'b',
          leaf: {
            notAfter: '2026-12-20T00:00:00.000Z',
            issuer: 'CN=Other, O="Q, Inc"',
          },
          status: 'expiring',
          findings: ['unowned'],
        }),
        testRow({
          name: 'c',
          cluster: 'c2',
          leaf: { notAfter: '2027-06-01T00:00:00.000Z' },
          ownerRef: 'group:default/team-b',
        }),
        testRow({
          name: 'd',
          leaf: null,
          status: 'unparseable',
          findings: ['unowned'],
          chainPem: undefined,
        }),
      ],
      '2026-11-28T10:00:00.000Z',
    );
    await store.setClusterStatus({
      name: 'c1',
      simulated: true,
      state: 'ok',
      lastSyncAt: '2026-11-28T10:00:00.000Z',
    });
    const permissions = ownerOnlyPermissions({
      owner: 'alice',
      claims: ['group:default/team-a'],
      denied: 'mallory',
    });
    const app = express();
    app.use(
      createInventoryRouter({
        store,
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.none(),
        }),
        userInfo: mockServices.userInfo(),
        permissions,
        now: () => NOW,
        lifecycle: noLifecycle(),
      }),
    );
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.rootLogger(),
      }).error(),
    );
    return { app, store };
  }

  db.test(
    'lists with filters, sorting and cursor pagination',
    async ({ knex }) => {
      const { app } = await setup(knex);
      const list = await getAs(app, 'sec', '/certificates');
      expect(list.status).toBe(200);
      expect(list.body.totalCount).toBe(4);
      expect(list.body.items.map((i: any) => i.secretName)).toEqual([
        'd',
        'a',
        'b',
        'c',
      ]);

      const filtered = await getAs(
        app,
        'sec',
        '/certificates?status=critical&status=expiring&sort=notAfter&order=desc',
      );
      expect(filtered.body.items.map((i: any) => i.secretName)).toEqual([
        'b',
        'a',
      ]);
      const byFinding = await getAs(
        app,
        'sec',
        '/certificates?finding=unowned&cluster=c1&q=b',
      );
      expect(byFinding.body.items.map((i: any) => i.secretName)).toEqual(['b']);
      const before = await getAs(
        app,
        'sec',
        '/certificates?expiresBefore=2026-12-10',
      );
      expect(before.body.items.map((i: any) => i.secretName)).toEqual(['a']);

      const page1 = await getAs(app, 'sec', '/certificates?limit=3');
      expect(page1.body.items).toHaveLength(3);
      const page2 = await getAs(
        app,
        'sec',
        `/certificates?limit=3&cursor=${encodeURIComponent(
          page1.body.nextCursor,
        )}`,
      );
      expect(page2.body.items.map((i: any) => i.secretName)).toEqual(['c']);
      expect(page2.body.nextCursor).toBeUndefined();
    },
  );

  db.test('rejects bad query parameters with the reason', async ({ knex }) => {
    const { app } = await setup(knex);
    for (const [query, reason] of [
      ['status=bogus', 'status.0'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['sort=secret', 'sort'],
      ['expiresBefore=yesterday', 'expiresBefore: must be a date'],
      ['includeGone=yes', 'includeGone'],
      ['unknown=1', 'unknown'],
      ['cursor=zzz', 'Invalid cursor'],
      ['location=Portal', 'location.0: must be a location name'],
      ['location=', 'location.0'],
      [`location=${'x'.repeat(33)}`, 'location.0'],
    ]) {
      const res = await getAs(app, 'sec', `/certificates?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(reason);
    }
    expect((await getAs(app, 'sec', '/timeline?weeks=0')).status).toBe(400);
    // A location this release does not know is a filter that matches nothing.
    const unknown = await getAs(app, 'sec', '/certificates?location=endpoint');
    expect(unknown.status).toBe(200);
    expect(unknown.body.items).toEqual([]);
  });

  db.test(
    'needs a signed-in user and applies permission decisions as filters',
    async ({ knex }) => {
      const { app, store } = await setup(knex);
      expect((await request(app).get('/certificates')).status).toBe(401);
      expect((await getAs(app, 'mallory', '/certificates')).status).toBe(403);
      const mine = await getAs(app, 'alice', '/certificates');
      expect(mine.body.items.map((i: any) => i.secretName)).toEqual(['a']);
      expect(mine.body.totalCount).toBe(1);
      const { items } = await store.listCertificates({ filter: {}, limit: 10 });
      const c = items.find(i => i.secretName === 'c')!;
      expect((await getAs(app, 'alice', `/certificates/${c.id}`)).status).toBe(
        404,
      );
      expect(
        (await getAs(app, 'alice', `/certificates/${c.id}/chain.pem`)).status,
      ).toBe(404);
      const counts = await getAs(app, 'alice', '/counts');
      expect(counts.body.total).toBe(1);
      expect(counts.body.byOwner).toEqual([
        { owner: 'group:default/team-a', count: 1 },
      ]);
      expect(counts.body.nearestExpiry.secretName).toBe('a');
      // Another team's rows stay out of the timeline and the export too,
      // also when asked for by name.
      const timeline = await getAs(app, 'alice', '/timeline?weeks=52');
      expect(
        timeline.body.buckets.reduce((n: number, b: any) => n + b.total, 0),
      ).toBe(1);
      const csv = await getAs(
        app,
        'alice',
        '/export.csv?owner=group:default/team-b',
      );
      expect(csv.text.trim().split('\n')).toHaveLength(1);
      const theirs = await getAs(
        app,
        'alice',
        '/counts?owner=group:default/team-b',
      );
      expect(theirs.body.total).toBe(0);
      for (const path of ['/counts', '/timeline', '/export.csv']) {
        const denied = await getAs(app, 'mallory', path);
        expect([path, denied.status]).toEqual([path, 403]);
      }
    },
  );

  db.test(
    'serves details, chain, counts, timeline and clusters',
    async ({ knex }) => {
      const { app, store } = await setup(knex);
      const { items } = await store.listCertificates({ filter: {}, limit: 10 });
      const a = items.find(i => i.secretName === 'a')!;
      const d = items.find(i => i.secretName === 'd')!;
      const details = await getAs(app, 'sec', `/certificates/${a.id}`);
      expect(details.body).toMatchObject({
        id: a.id,
        secretName: 'a',
        chain: [],
        history: [{ event: 'first-seen' }],
      });
      const chain = await getAs(app, 'sec', `/certificates/${a.id}/chain.pem`);
      expect(chain.status).toBe(200);
      expect(chain.headers['content-type']).toContain('application/x-pem-file');
      expect(chain.text).toContain('BEGIN CERTIFICATE');
      expect(
        (await getAs(app, 'sec', `/certificates/${d.id}/chain.pem`)).status,
      ).toBe(404);
      expect((await getAs(app, 'sec', '/certificates/nope')).status).toBe(404);

      const counts = await getAs(app, 'sec', '/counts?cluster=c1');
      expect(counts.body).toMatchObject({
        total: 3,
        byStatus: { critical: 1, expiring: 1, unparseable: 1 },
        byFinding: { unowned: 2 },
      });
      expect(counts.body.nearestExpiry.secretName).toBe('a');

      const timeline = await getAs(app, 'sec', '/timeline?weeks=4');
      expect(timeline.body.buckets.map((b: any) => b.total)).toEqual([
        0, 1, 0, 1,
      ]);

      const clusters = await getAs(app, 'sec', '/clusters');
      expect(clusters.body.items).toEqual([
        expect.objectContaining({
          name: 'c1',
          simulated: true,
          state: 'ok',
          certificateCount: 3,
        }),
      ]);
    },
  );

  db.test(
    'exports the filtered list as CSV with escaping and a formula guard',
    async ({ knex }) => {
      const { app } = await setup(knex);
      const res = await getAs(
        app,
        'sec',
        '/export.csv?cluster=c1&sort=notAfter',
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^id,cluster,namespace,secret,commonName,/);
      expect(lines).toHaveLength(4);
      expect(lines[2]).toContain(`"'=cmd|calc"`);
      expect(lines[3]).toContain('"CN=Other, O=""Q, Inc"""');
      expect((await getAs(app, 'sec', '/export.csv?status=nope')).status).toBe(
        400,
      );
    },
  );

  it('escapes CSV cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(2048)).toBe('2048');
  });
});
