import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  auditReadPermission,
  CertificatePolicy,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import request from 'supertest';
import { DatabaseAuditLog } from '../audit';
import type { ExternalApprovals } from './ports';
import { applyDatabaseMigrations } from '../database';
import { ApprovalService } from './ApprovalService';
import { createApprovalsRouter } from './createApprovalsRouter';
import { DatabaseDecisionStore } from './DecisionStore';
import {
  CountingIssuance,
  MemoryDirectory,
  pendingRequest,
  TableRequests,
} from './__testUtils__/TableRequests';

jest.setTimeout(60_000);

const policy: CertificatePolicy = {
  name: 'internal',
  allowedDnsNames: ['*.example.com'],
  approvals: { required: 1, approvers: ['group:default/security'] },
};

const as = (name: string) => mockCredentials.user.header(`user:default/${name}`);

describe('createApprovalsRouter', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(external: ExternalApprovals[] = []) {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations({ knex });
    const requests = await TableRequests.create(knex);
    const issuance = new CountingIssuance(requests);
    const audit = DatabaseAuditLog.create({ knex });
    const permissions = mockServices.permissions.mock();
    // Allow everything except the audit trail for non-security users.
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    permissions.authorize.mockImplementation(async (reqs, opts) =>
      reqs.map(r => ({
        result:
          r.permission.name === auditReadPermission.name &&
          !(opts?.credentials.principal as any).userEntityRef.includes('sec')
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    );
    const userInfo = mockServices.userInfo.mock({
      async getUserInfo(credentials: any) {
        const ref = credentials.principal.userEntityRef as string;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: ref.includes('sec') ? [ref, 'group:default/security'] : [ref],
        };
      },
    });
    const service = ApprovalService.create({
      knex,
      requests,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit,
      permissions,
      issuance,
      policies: [policy],
      queue: requests,
      directory: new MemoryDirectory(['group:default/security']),
      logger: mockServices.logger.mock(),
    });
    const app = express();
    app.use(
      createApprovalsRouter({
        service,
        audit,
        permissions,
        httpAuth: mockServices.httpAuth(),
        userInfo,
        external,
      }),
    );
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.rootLogger(),
      }).error(),
    );
    return { app, requests, issuance, audit };
  }

  it('approves through the API and shows it in history and audit', async () => {
    const { app, requests, issuance } = await setup();
    const r = pendingRequest();
    await requests.add(r);

    const queue = await request(app).get('/approvals').set('Authorization', as('sec1'));
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: any) => i.id)).toEqual([r.id]);
    expect(
      (await request(app).get('/approvals/count').set('Authorization', as('sec1'))).body,
    ).toEqual({ pending: 1 });

    const res = await request(app)
      .post(`/requests/${r.id}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('issued');
    expect(issuance.calls.get(r.id)).toBe(1);

    const again = await request(app)
      .post(`/requests/${r.id}/decision`)
      .set('Authorization', as('sec2'))
      .send({ decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');

    const history = await request(app).get('/approvals/history').set('Authorization', as('sec1'));
    expect(history.body.items.map((i: any) => i.id)).toEqual([r.id]);

    const audit = await request(app)
      .get('/audit')
      .query({ action: 'approved' })
      .set('Authorization', as('sec1'));
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ requestId: r.id, actor: 'user:default/sec1' }),
    ]);
    const forbidden = await request(app).get('/audit').set('Authorization', as('dev'));
    expect(forbidden.status).toBe(403);
  });

  it('rejects bad input and changes nothing', async () => {
    const { app, requests, issuance, audit } = await setup();
    const r = pendingRequest();
    await requests.add(r);
    const cases: Array<[string, object, number]> = [
      [`/requests/${r.id}/decision`, { decision: 'deny' }, 400],
      [`/requests/${r.id}/decision`, { decision: 'deny', reason: '   ' }, 400],
      [`/requests/${r.id}/decision`, { decision: 'maybe' }, 400],
      [`/requests/${r.id}/decision`, {}, 400],
      ['/requests/nope/decision', { decision: 'approve' }, 404],
      ['/approvals/bulk', { ids: [r.id], decision: 'deny' }, 400],
      ['/approvals/bulk', { ids: [], decision: 'approve' }, 400],
    ];
    for (const [path, body, status] of cases) {
      const res = await request(app).post(path).set('Authorization', as('sec1')).send(body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(res.body.error.name).toBeDefined();
    }
    // The requester may not decide, whatever the permission policy says.
    const own = await request(app)
      .post(`/requests/${r.id}/decision`)
      .set('Authorization', as('dev'))
      .send({ decision: 'approve' });
    expect(own.status).toBe(403);
    expect(
      (await request(app).get('/approvals').query({ minAgeHours: '-1' }).set('Authorization', as('sec1'))).status,
    ).toBe(400);
    expect(
      (await request(app).get('/audit').query({ action: 'exploded' }).set('Authorization', as('sec1'))).status,
    ).toBe(400);

    expect((await requests.get(r.id))?.state).toBe('pending');
    expect(issuance.calls.size).toBe(0);
    expect((await audit.list({})).items).toEqual([]);
    const unauthenticated = await request(app)
      .get('/approvals')
      .set('Authorization', mockCredentials.none.header());
    expect(unauthenticated.status).toBe(401);
  });

  it('decides in bulk with a result per id', async () => {
    const { app, requests } = await setup();
    const a = pendingRequest();
    const b = pendingRequest({ requester: 'user:default/sec1' });
    await requests.add(a);
    await requests.add(b);
    const res = await request(app)
      .post('/approvals/bulk')
      .set('Authorization', as('sec1'))
      .send({ ids: [a.id, b.id, 'missing'], decision: 'deny', reason: 'not needed' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: a.id, ok: true, state: 'denied' },
      { id: b.id, ok: false, error: expect.objectContaining({ name: 'NotAllowedError' }) },
      { id: 'missing', ok: false, error: expect.objectContaining({ name: 'NotFoundError' }) },
    ]);
    expect((await requests.get(a.id))?.state).toBe('denied');
    expect((await requests.get(b.id))?.state).toBe('pending');
  });

  it('decides a bulk larger than its concurrency once per id, answering in the order asked', async () => {
    const { app, requests, issuance, audit } = await setup();
    const pending = Array.from({ length: 9 }, () => pendingRequest());
    for (const r of pending) await requests.add(r);
    const ids = [...pending.map(r => r.id), pending[0].id, pending[4].id];
    const res = await request(app)
      .post('/approvals/bulk')
      .set('Authorization', as('sec1'))
      .send({ ids, decision: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual(pending.map(r => ({ id: r.id, ok: true, state: 'issued' })));
    expect([...issuance.issued.values()]).toEqual(pending.map(() => 1));
    const approved = (await audit.list({ action: ['approved'], limit: 50 })).items;
    expect(approved.map(a => a.requestId).sort()).toEqual(pending.map(r => r.id).sort());
  });

  it('lists in-cluster decisions in "decided by me" next to portal ones, newest decision first', async () => {
    const inCluster = pendingRequest({
      id: 'incluster:abc',
      state: 'approved',
      decisions: [{ actor: 'user:default/sec1', decision: 'approve', at: '2999-01-01T00:00:00.000Z' }],
      inCluster: { cluster: 'prod', namespace: 'shop', name: 'web-1' },
    });
    const external: ExternalApprovals = {
      owns: id => id.startsWith('incluster:'),
      queue: async () => [],
      decide: async () => inCluster,
      history: async () => [inCluster],
    };
    const { app, requests } = await setup([external]);
    const r = pendingRequest();
    await requests.add(r);
    await request(app)
      .post(`/requests/${r.id}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'deny', reason: 'no' })
      .expect(200);
    const history = await request(app).get('/approvals/history').set('Authorization', as('sec1'));
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: any) => i.id)).toEqual(['incluster:abc', r.id]);
  });
});
