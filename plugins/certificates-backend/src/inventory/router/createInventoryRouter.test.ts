import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { applyDatabaseMigrations } from '../../database';
import { DatabaseInventoryStore } from '../store';
import { testRow } from '../store/testRows';
import {
  certificateConditions,
  createCertificateConditionalDecision,
} from '../../permissions';
import { createInventoryRouter } from './createInventoryRouter';
import { csvCell } from './csv';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-28T12:00:00.000Z');
const as = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

describe('createInventoryRouter', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup() {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations({ knex });
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
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async (_reqs, opts) => {
      const user = (opts?.credentials.principal as any).userEntityRef as string;
      if (user.endsWith('/mallory')) return [{ result: AuthorizeResult.DENY }];
      if (user.endsWith('/alice')) {
        return [
          createCertificateConditionalDecision(
            {
              name: 'certificates.certificate.read',
              type: 'resource',
              resourceType: 'certificates-certificate',
              attributes: { action: 'read' },
            } as any,
            {
              anyOf: [
                certificateConditions.isEntityOwner({
                  claims: ['group:default/team-a'],
                }),
              ],
            },
          ),
        ] as any;
      }
      return [{ result: AuthorizeResult.ALLOW }];
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

  it('lists with filters, sorting and cursor pagination', async () => {
    const { app } = await setup();
    const list = await request(app)
      .get('/certificates')
      .set('Authorization', as('sec'));
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(4);
    expect(list.body.items.map((i: any) => i.secretName)).toEqual([
      'd',
      'a',
      'b',
      'c',
    ]);

    const filtered = await request(app)
      .get(
        '/certificates?status=critical&status=expiring&sort=notAfter&order=desc',
      )
      .set('Authorization', as('sec'));
    expect(filtered.body.items.map((i: any) => i.secretName)).toEqual([
      'b',
      'a',
    ]);
    const byFinding = await request(app)
      .get('/certificates?finding=unowned&cluster=c1&q=b')
      .set('Authorization', as('sec'));
    expect(byFinding.body.items.map((i: any) => i.secretName)).toEqual(['b']);
    const before = await request(app)
      .get('/certificates?expiresBefore=2026-12-10')
      .set('Authorization', as('sec'));
    expect(before.body.items.map((i: any) => i.secretName)).toEqual(['a']);

    const page1 = await request(app)
      .get('/certificates?limit=3')
      .set('Authorization', as('sec'));
    expect(page1.body.items).toHaveLength(3);
    const page2 = await request(app)
      .get(
        `/certificates?limit=3&cursor=${encodeURIComponent(
          page1.body.nextCursor,
        )}`,
      )
      .set('Authorization', as('sec'));
    expect(page2.body.items.map((i: any) => i.secretName)).toEqual(['c']);
    expect(page2.body.nextCursor).toBeUndefined();
  });

  it('rejects bad query parameters with the reason', async () => {
    const { app } = await setup();
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
      const res = await request(app)
        .get(`/certificates?${query}`)
        .set('Authorization', as('sec'));
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(reason);
    }
    expect(
      (
        await request(app)
          .get('/timeline?weeks=0')
          .set('Authorization', as('sec'))
      ).status,
    ).toBe(400);
    // A location this release does not know is a filter that matches nothing.
    const unknown = await request(app)
      .get('/certificates?location=endpoint')
      .set('Authorization', as('sec'));
    expect(unknown.status).toBe(200);
    expect(unknown.body.items).toEqual([]);
  });

  it('needs a signed-in user and applies permission decisions as filters', async () => {
    const { app, store } = await setup();
    expect((await request(app).get('/certificates')).status).toBe(401);
    expect(
      (
        await request(app)
          .get('/certificates')
          .set('Authorization', as('mallory'))
      ).status,
    ).toBe(403);
    const mine = await request(app)
      .get('/certificates')
      .set('Authorization', as('alice'));
    expect(mine.body.items.map((i: any) => i.secretName)).toEqual(['a']);
    expect(mine.body.totalCount).toBe(1);
    const { items } = await store.listCertificates({ filter: {}, limit: 10 });
    const c = items.find(i => i.secretName === 'c')!;
    expect(
      (
        await request(app)
          .get(`/certificates/${c.id}`)
          .set('Authorization', as('alice'))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .get(`/certificates/${c.id}/chain.pem`)
          .set('Authorization', as('alice'))
      ).status,
    ).toBe(404);
    const counts = await request(app)
      .get('/counts')
      .set('Authorization', as('alice'));
    expect(counts.body.total).toBe(1);
  });

  it('serves details, chain, counts, timeline and clusters', async () => {
    const { app, store } = await setup();
    const { items } = await store.listCertificates({ filter: {}, limit: 10 });
    const a = items.find(i => i.secretName === 'a')!;
    const d = items.find(i => i.secretName === 'd')!;
    const details = await request(app)
      .get(`/certificates/${a.id}`)
      .set('Authorization', as('sec'));
    expect(details.body).toMatchObject({
      id: a.id,
      secretName: 'a',
      chain: [],
      history: [{ event: 'first-seen' }],
    });
    const chain = await request(app)
      .get(`/certificates/${a.id}/chain.pem`)
      .set('Authorization', as('sec'));
    expect(chain.status).toBe(200);
    expect(chain.headers['content-type']).toContain('application/x-pem-file');
    expect(chain.text).toContain('BEGIN CERTIFICATE');
    expect(
      (
        await request(app)
          .get(`/certificates/${d.id}/chain.pem`)
          .set('Authorization', as('sec'))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(app)
          .get('/certificates/nope')
          .set('Authorization', as('sec'))
      ).status,
    ).toBe(404);

    const counts = await request(app)
      .get('/counts?cluster=c1')
      .set('Authorization', as('sec'));
    expect(counts.body).toMatchObject({
      total: 3,
      byStatus: { critical: 1, expiring: 1, unparseable: 1 },
      byFinding: { unowned: 2 },
    });
    expect(counts.body.nearestExpiry.secretName).toBe('a');

    const timeline = await request(app)
      .get('/timeline?weeks=4')
      .set('Authorization', as('sec'));
    expect(timeline.body.buckets.map((b: any) => b.total)).toEqual([
      0, 1, 0, 1,
    ]);

    const clusters = await request(app)
      .get('/clusters')
      .set('Authorization', as('sec'));
    expect(clusters.body.items).toEqual([
      expect.objectContaining({
        name: 'c1',
        simulated: true,
        state: 'ok',
        certificateCount: 3,
      }),
    ]);
  });

  it('exports the filtered list as CSV with escaping and a formula guard', async () => {
    const { app } = await setup();
    const res = await request(app)
      .get('/export.csv?cluster=c1&sort=notAfter')
      .set('Authorization', as('sec'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,cluster,namespace,secret,commonName,/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(`"'=cmd|calc"`);
    expect(lines[3]).toContain('"CN=Other, O=""Q, Inc"""');
    expect(
      (
        await request(app)
          .get('/export.csv?status=nope')
          .set('Authorization', as('sec'))
      ).status,
    ).toBe(400);
  });

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
