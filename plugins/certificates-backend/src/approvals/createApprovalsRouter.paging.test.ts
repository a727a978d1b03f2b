import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CertificatePolicy, CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import request from 'supertest';
import { DatabaseAuditLog } from '../audit';
import { applyDatabaseMigrations } from '../database';
import { DatabaseRequestStore } from '../requests/DatabaseRequestStore';
import { ApprovalService } from './ApprovalService';
import { createApprovalsRouter } from './createApprovalsRouter';
import type { ExternalApprovals } from './ports';
import { DatabaseApprovalQueue } from './DatabaseApprovalQueue';
import { DatabaseDecisionStore } from './DecisionStore';
import { MemoryDirectory, pendingRequest } from './__testUtils__/TableRequests';

jest.setTimeout(180_000);

const SECURITY = 'group:default/security';
const policy: CertificatePolicy = {
  name: 'internal',
  allowedDnsNames: ['*.example.com'],
  approvals: { required: 1, approvers: [SECURITY] },
};
const as = (name: string) => mockCredentials.user.header(`user:default/${name}`);
const HOUR = 3_600_000;
const START = Date.parse('2026-11-20T10:00:00.000Z');

describe('GET /approvals paging', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: Parameters<typeof databases.init>[0], external: CertificateRequest[]) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations({ knex });
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const store = DatabaseRequestStore.create({ knex });
    const service = ApprovalService.create({
      knex,
      requests: store,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit: DatabaseAuditLog.create({ knex }),
      permissions,
      issuance: { issueApproved: async () => undefined },
      policies: [policy],
      queue: DatabaseApprovalQueue.create({ knex }),
      directory: new MemoryDirectory([SECURITY]),
      logger: mockServices.logger.mock(),
    });
    const inCluster: ExternalApprovals = {
      owns: id => id.startsWith('incluster:'),
      // In cluster order, not the queue's: the router sorts.
      queue: async () => [...external].reverse(),
      decide: async () => {
        throw new Error('not in this test');
      },
    };
    const userInfo = mockServices.userInfo.mock({
      async getUserInfo(credentials: any) {
        const ref = credentials.principal.userEntityRef as string;
        return { userEntityRef: ref, ownershipEntityRefs: [ref, SECURITY] };
      },
    });
    const app = express();
    app.use(
      createApprovalsRouter({
        service,
        audit: DatabaseAuditLog.create({ knex }),
        permissions,
        httpAuth: mockServices.httpAuth(),
        userInfo,
        external: [inCluster],
      }),
    );
    app.use(
      MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.rootLogger() }).error(),
    );
    return { app, knex };
  }

  it.each(databases.eachSupportedId())(
    'counts 2,500 portal and 150 in-cluster requests and lists each once, oldest first, %p',
    async databaseId => {
      // In-cluster requests at whole hours, the same instants as portal ones
      // (written without milliseconds, as Kubernetes writes them).
      const external = Array.from({ length: 150 }, (_, i) =>
        pendingRequest({
          id: `incluster:${String(i).padStart(3, '0')}`,
          createdAt: new Date(START + (i % 5) * HOUR).toISOString().replace('.000Z', 'Z'),
          inCluster: { cluster: 'prod', namespace: 'shop', name: `cr-${i}` },
        }),
      );
      const { app, knex } = await setup(databaseId, external);
      const portal: string[] = [];
      for (let t = 0; t < 5; t++) {
        const store = DatabaseRequestStore.create({ knex, now: () => new Date(START + t * HOUR) });
        const batch = Array.from({ length: 500 }, (_, i) => {
          const { createdAt, updatedAt, decisions, ...r } = pendingRequest({
            id: `p-${t}-${String((i * 389) % 500).padStart(3, '0')}`,
            // Some the caller may not decide: their own.
            requester: i % 25 === 0 ? 'user:default/sec1' : 'user:default/dev',
          });
          return r;
        });
        const created = await store.createMany(batch);
        portal.push(...created.filter(r => r.requester === 'user:default/dev').map(r => r.id));
      }
      const expected = portal.length + external.length;
      expect(expected).toBe(2550);

      const count = await request(app).get('/approvals/count').set('Authorization', as('sec1'));
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
      expect(new Set(seen.map(r => r.id))).toEqual(new Set([...portal, ...external.map(r => r.id)]));
      const times = seen.map(r => Date.parse(r.createdAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // Without a limit: the first 100.
      const first = await request(app).get('/approvals').set('Authorization', as('sec1'));
      expect(first.body.items).toHaveLength(100);
      expect(first.body.items.map((r: CertificateRequest) => r.id)).toEqual(seen.slice(0, 100).map(r => r.id));
    },
  );

  it('answers 400 for a bad limit or a cursor it did not give, and refuses a service', async () => {
    const { app } = await setup('SQLITE_3', []);
    for (const path of ['/approvals', '/approvals/count']) {
      const res = await request(app).get(path).set('Authorization', mockCredentials.service.header());
      // Only users have a queue: a service principal is refused.
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.items).toBeUndefined();
    }
    for (const query of [{ limit: '0' }, { limit: '201' }, { limit: 'ten' }, { cursor: 'not-a-cursor' }]) {
      const res = await request(app).get('/approvals').query(query).set('Authorization', as('sec1'));
      expect({ query, status: res.status, name: res.body.error?.name }).toEqual({
        query,
        status: 400,
        name: 'InputError',
      });
    }
  });
});
