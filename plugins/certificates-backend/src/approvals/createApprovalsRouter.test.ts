import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { auditReadPermission } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  allowAllPermissions,
  awaitingApproval,
  component,
  createHarness,
  csrFor,
  migratedDatabase,
  SECURITY_GROUP,
  startCertificatesBackend,
  testDatabases,
} from '../__testUtils__';
import { DatabaseAuditLog } from '../audit';
import { DatabaseRequestStore } from '../requests/DatabaseRequestStore';
import type { ExternalApprovals } from './ports';
import { approvalsApp, as, internalPolicy } from './__testUtils__/approvalsApp';
import { pendingRequest } from './__testUtils__/TableRequests';

const policy = internalPolicy;

const paymentsComponent = component('payments', 'group:default/team-a');

/** Allows everything except the audit trail for non-security users. */
function permissions() {
  const mock = allowAllPermissions();
  mock.authorize.mockImplementation(async (reqs, opts) =>
    reqs.map(r => ({
      result:
        r.permission.name === auditReadPermission.name &&
        !(opts?.credentials.principal as any).userEntityRef.includes('sec')
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })),
  );
  return mock;
}

describe('createApprovalsRouter', () => {
  const databases = testDatabases();
  let csrPem: string;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    csrPem = await csrFor('payments.example.com');
  });

  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  /** The real plugin on SQLite, with requests waiting for the security group. */
  async function setup() {
    const knex: Knex = await migratedDatabase(databases, 'SQLITE_3');
    const backend = await startCertificatesBackend({
      knex,
      entities: [paymentsComponent],
      certificates: { policies: [policy] },
      permissions: permissions(),
      groups: { sec1: [SECURITY_GROUP], sec2: [SECURITY_GROUP] },
    });
    stop = backend.stop;
    const store = DatabaseRequestStore.create({ knex });
    const audit = DatabaseAuditLog.create({ knex });
    const add = (overrides: { requester?: string } = {}) =>
      store.create(
        awaitingApproval('internal', {
          ownerRef: 'group:default/team-a',
          validityDays: 90,
          csrPem,
          ...overrides,
        }),
      );
    /** Certificates the built-in CA signed for a request (its id is their key). */
    const issued = async (id: string) =>
      Number(
        (
          await knex('certificates_ca_issued')
            .where({ request_id: id })
            .count({ n: '*' })
        )[0].n,
      );
    return { backend, store, audit, add, issued, knex };
  }

  it('approves through the API and shows it in history and audit', async () => {
    const { backend, add, issued } = await setup();
    const r = await add();

    const queue = await backend.get('/approvals', 'sec1');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: any) => i.id)).toEqual([r.id]);
    expect((await backend.get('/approvals/count', 'sec1')).body).toEqual({
      pending: 1,
    });

    const res = await backend
      .post(`/requests/${r.id}/decision`, 'sec1')
      .send({ decision: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('issued');
    expect(await issued(r.id)).toBe(1);

    const again = await backend
      .post(`/requests/${r.id}/decision`, 'sec2')
      .send({ decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');

    const history = await backend.get('/approvals/history', 'sec1');
    expect(history.body.items.map((i: any) => i.id)).toEqual([r.id]);

    const audit = await backend
      .get('/audit', 'sec1')
      .query({ action: 'approved' });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ requestId: r.id, actor: 'user:default/sec1' }),
    ]);
    const forbidden = await backend.get('/audit', 'dev');
    expect(forbidden.status).toBe(403);
  });

  it('rejects bad input and changes nothing', async () => {
    const { backend, store, audit, add, knex } = await setup();
    const r = await add();
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
      const res = await backend.post(path, 'sec1').send(body);
      expect({ path, body, status: res.status }).toEqual({
        path,
        body,
        status,
      });
      expect(res.body.error.name).toBeDefined();
    }
    // The requester may not decide, whatever the permission policy says.
    const own = await backend
      .post(`/requests/${r.id}/decision`, 'dev')
      .send({ decision: 'approve' });
    expect(own.status).toBe(403);
    expect(
      (await backend.get('/approvals', 'sec1').query({ minAgeHours: '-1' }))
        .status,
    ).toBe(400);
    expect(
      (await backend.get('/audit', 'sec1').query({ action: 'exploded' }))
        .status,
    ).toBe(400);

    expect((await store.get(r.id))?.state).toBe('pending');
    expect(await knex('certificates_ca_issued')).toHaveLength(0);
    expect((await audit.list({})).items).toEqual([]);
    const unauthenticated = await backend.get('/approvals', 'none');
    expect(unauthenticated.status).toBe(401);
  });

  it('decides in bulk with a result per id', async () => {
    const { backend, store, add } = await setup();
    const a = await add();
    const b = await add({ requester: 'user:default/sec1' });
    const res = await backend.post('/approvals/bulk', 'sec1').send({
      ids: [a.id, b.id, 'missing'],
      decision: 'deny',
      reason: 'not needed',
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: a.id, ok: true, state: 'denied' },
      {
        id: b.id,
        ok: false,
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      },
      {
        id: 'missing',
        ok: false,
        error: expect.objectContaining({ name: 'NotFoundError' }),
      },
    ]);
    expect((await store.get(a.id))?.state).toBe('denied');
    expect((await store.get(b.id))?.state).toBe('pending');
  });

  it('decides a bulk larger than its concurrency once per id, answering in the order asked', async () => {
    const { backend, audit, add, issued } = await setup();
    const pending = [];
    for (let i = 0; i < 9; i++) pending.push(await add());
    const ids = [...pending.map(r => r.id), pending[0].id, pending[4].id];
    const res = await backend
      .post('/approvals/bulk', 'sec1')
      .send({ ids, decision: 'approve' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual(
      pending.map(r => ({ id: r.id, ok: true, state: 'issued' })),
    );
    expect(await Promise.all(pending.map(r => issued(r.id)))).toEqual(
      pending.map(() => 1),
    );
    const approved = (await audit.list({ action: ['approved'], limit: 50 }))
      .items;
    expect(approved.map(a => a.requestId).sort()).toEqual(
      pending.map(r => r.id).sort(),
    );
  });

  // In-cluster approvals come from the clusters; here a stand-in answers for them.
  it('lists in-cluster decisions in "decided by me" next to portal ones, newest decision first', async () => {
    const inCluster = pendingRequest({
      id: 'incluster:abc',
      state: 'approved',
      decisions: [
        {
          actor: 'user:default/sec1',
          decision: 'approve',
          at: '2999-01-01T00:00:00.000Z',
        },
      ],
      inCluster: { cluster: 'prod', namespace: 'shop', name: 'web-1' },
    });
    const external: ExternalApprovals = {
      owns: id => id.startsWith('incluster:'),
      queue: async () => [],
      decide: async () => inCluster,
      history: async () => [inCluster],
    };
    const h = await createHarness(databases, 'SQLITE_3', {
      entities: [paymentsComponent],
      policies: [policy],
      permissions: permissions(),
    });
    const app = approvalsApp({
      service: h.approvals,
      audit: h.audit,
      permissions: h.permissions,
      external: [external],
    });
    const r = await h.requestStore.create(
      awaitingApproval('internal', { csrPem }),
    );
    await request(app)
      .post(`/requests/${r.id}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'deny', reason: 'no' })
      .expect(200);
    const history = await request(app)
      .get('/approvals/history')
      .set('Authorization', as('sec1'));
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: any) => i.id)).toEqual([
      'incluster:abc',
      r.id,
    ]);
  });
});
