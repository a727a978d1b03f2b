import { mockCredentials } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import request from 'supertest';
import { describeDatabases, DatabaseTestContext } from '../__testUtils__';
import { DatabaseRequestStore } from '../requests/DatabaseRequestStore';
import type { ExternalApprovals } from './ports';
import { approvalsApp, as, internalPolicy } from './__testUtils__/approvalsApp';
import { pendingRequest } from './__testUtils__/TableRequests';

jest.setTimeout(180_000);

const policy = internalPolicy;
const HOUR = 3_600_000;
const START = Date.parse('2026-11-20T10:00:00.000Z');

describeDatabases('GET /approvals paging', db => {
  async function setup(
    harness: DatabaseTestContext['harness'],
    external: CertificateRequest[],
  ) {
    const h = await harness({
      policies: [policy],
    });
    const inCluster: ExternalApprovals = {
      owns: id => id.startsWith('incluster:'),
      // In cluster order, not the queue's: the router sorts.
      queue: async () => [...external].reverse(),
      decide: async () => {
        throw new Error('not in this test');
      },
    };
    const app = approvalsApp({
      service: h.approvals,
      audit: h.audit,
      permissions: h.permissions,
      external: [inCluster],
    });
    return { app, knex: h.knex };
  }

  db.test(
    'counts 2,500 portal and 150 in-cluster requests and lists each once, oldest first',
    async ({ knex, harness }) => {
      // In-cluster requests at whole hours, the same instants as portal ones
      // (written without milliseconds, as Kubernetes writes them).
      const external = Array.from({ length: 150 }, (_, i) =>
        pendingRequest({
          id: `incluster:${String(i).padStart(3, '0')}`,
          createdAt: new Date(START + (i % 5) * HOUR)
            .toISOString()
            .replace('.000Z', 'Z'),
          inCluster: { cluster: 'prod', namespace: 'shop', name: `cr-${i}` },
        }),
      );
      const { app } = await setup(harness, external);
      const portal: string[] = [];
      for (let t = 0; t < 5; t++) {
        const store = DatabaseRequestStore.create({
          knex,
          now: () => new Date(START + t * HOUR),
        });
        const batch = Array.from({ length: 500 }, (_, i) => {
          const { createdAt, updatedAt, decisions, ...r } = pendingRequest({
            id: `p-${t}-${String((i * 389) % 500).padStart(3, '0')}`,
            // Some the caller may not decide: their own.
            requester: i % 25 === 0 ? 'user:default/sec1' : 'user:default/dev',
          });
          return r;
        });
        const created = await store.createMany(batch);
        portal.push(
          ...created
            .filter(r => r.requester === 'user:default/dev')
            .map(r => r.id),
        );
      }
      const expected = portal.length + external.length;
      expect(expected).toBe(2550);

      const count = await request(app)
        .get('/approvals/count')
        .set('Authorization', as('sec1'));
      expect(count.body).toEqual({ pending: expected });

      const seen: CertificateRequest[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await request(app)
          .get('/approvals')
          .query({ limit: 200, ...(cursor ? { cursor } : {}) })
          .set('Authorization', as('sec1'));
        expect(res.status).toBe(200);
        expect(res.body.totalCount).toBe(expected);
        expect(res.body.items.length).toBeLessThanOrEqual(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(pages).toBeGreaterThanOrEqual(13);
      expect(seen).toHaveLength(expected);
      expect(new Set(seen.map(r => r.id))).toEqual(
        new Set([...portal, ...external.map(r => r.id)]),
      );
      const times = seen.map(r => Date.parse(r.createdAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // Without a limit: the first 100.
      const first = await request(app)
        .get('/approvals')
        .set('Authorization', as('sec1'));
      expect(first.body.items).toHaveLength(100);
      expect(first.body.items.map((r: CertificateRequest) => r.id)).toEqual(
        seen.slice(0, 100).map(r => r.id),
      );
    },
  );

  it('answers 400 for a bad limit or a cursor it did not give, and refuses a service', async () => {
    const { app } = await setup((await db.context('SQLITE_3')).harness, []);
    for (const path of ['/approvals', '/approvals/count']) {
      const res = await request(app)
        .get(path)
        .set('Authorization', mockCredentials.service.header());
      // Only users have a queue: a service principal is refused.
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.items).toBeUndefined();
    }
    for (const query of [
      { limit: '0' },
      { limit: '201' },
      { limit: 'ten' },
      { cursor: 'not-a-cursor' },
    ]) {
      const res = await request(app)
        .get('/approvals')
        .query(query)
        .set('Authorization', as('sec1'));
      expect({ query, status: res.status, name: res.body.error?.name }).toEqual(
        {
          query,
          status: 400,
          name: 'InputError',
        },
      );
    }
  });
});
