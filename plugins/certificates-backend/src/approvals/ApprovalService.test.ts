import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { CertificatePolicy } from '@internal/plugin-certificates-common';
import { Knex } from 'knex';
import { DatabaseAuditLog } from '../audit';
import { applyDatabaseMigrations } from '../database';
import { CallerIdentity } from '../service/identity';
import { ApprovalService } from './ApprovalService';
import { DatabaseDecisionStore } from './DecisionStore';
import { requestConditions, createRequestConditionalDecision } from './requestPermissions';
import { CountingIssuance, pendingRequest, TableRequests } from './__testUtils__/TableRequests';

jest.setTimeout(120_000);

const SECURITY = 'group:default/security';
const policies: Record<string, CertificatePolicy> = {
  internal: {
    name: 'internal',
    allowedDnsNames: ['*.example.com'],
    approvals: { required: 1, approvers: [SECURITY] },
  },
  'two-person': {
    name: 'two-person',
    allowedDnsNames: ['*.example.com'],
    approvals: { required: 2, approvers: [SECURITY] },
  },
};

function caller(name: string, groups: string[] = [SECURITY]): CallerIdentity {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, ...groups],
  };
}

describe('ApprovalService', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    decision: PolicyDecision = { result: AuthorizeResult.ALLOW },
  ) {
    const knex: Knex = await databases.init(databaseId);
    await applyDatabaseMigrations({ knex });
    const requests = await TableRequests.create(knex);
    const issuance = new CountingIssuance(requests);
    const audit = DatabaseAuditLog.create({ knex });
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => decision),
    );
    const notifier = { requestDecided: jest.fn(), requestIssued: jest.fn(), requestFailed: jest.fn() };
    const service = ApprovalService.create({
      knex,
      requests,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit,
      permissions,
      issuance,
      policyByName: name => policies[name],
      notifier: notifier as any,
      logger: mockServices.logger.mock(),
      now: () => new Date('2026-11-28T12:00:00.000Z'),
    });
    return { knex, requests, issuance, audit, service, notifier };
  }

  it.each(databases.eachSupportedId())(
    'approves, issues once, audits and notifies, %p',
    async databaseId => {
      const { requests, issuance, audit, service, notifier } = await setup(databaseId);
      const request = pendingRequest();
      await requests.add(request);
      const result = await service.decide({
        caller: caller('sec1'),
        requestId: request.id,
        decision: 'approve',
      });
      expect(result.state).toBe('issued');
      expect(result.decisions).toEqual([
        expect.objectContaining({ actor: 'user:default/sec1', decision: 'approve' }),
      ]);
      expect(issuance.calls.get(request.id)).toBe(1);
      const trail = await audit.list({ requestId: request.id });
      expect(trail.items).toEqual([
        expect.objectContaining({
          actor: 'user:default/sec1',
          action: 'approved',
          entityRef: 'component:default/payments',
          outcome: 'success',
          at: '2026-11-28T12:00:00.000Z',
        }),
      ]);
      expect(notifier.requestDecided).toHaveBeenCalledWith(
        expect.objectContaining({ id: request.id, state: 'approved' }),
      );
      expect(notifier.requestIssued).toHaveBeenCalledWith(
        expect.objectContaining({ id: request.id, state: 'issued' }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses self-approval even when the permission policy allows everything, %p',
    async databaseId => {
      const { requests, issuance, service, audit } = await setup(databaseId);
      const request = pendingRequest({ requester: 'user:default/sec1' });
      await requests.add(request);
      await expect(
        service.decide({ caller: caller('sec1'), requestId: request.id, decision: 'approve' }),
      ).rejects.toMatchObject({ name: 'NotAllowedError', message: /own request/ });
      expect((await requests.get(request.id))?.state).toBe('pending');
      expect(issuance.calls.size).toBe(0);
      expect((await audit.list({})).items).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses someone outside the approver groups, and an approver without the permission, %p',
    async databaseId => {
      const denied = await setup(databaseId, { result: AuthorizeResult.DENY });
      const r1 = pendingRequest();
      await denied.requests.add(r1);
      await expect(
        denied.service.decide({ caller: caller('sec1'), requestId: r1.id, decision: 'approve' }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(await denied.service.queue(caller('sec1'))).toEqual([]);

      const { requests, service } = await setup(databaseId);
      const r2 = pendingRequest();
      await requests.add(r2);
      await expect(
        service.decide({
          caller: caller('dev2', ['group:default/team-a']),
          requestId: r2.id,
          decision: 'approve',
        }),
      ).rejects.toMatchObject({ name: 'NotAllowedError', message: /group:default\/security/ });
      expect((await requests.get(r2.id))?.state).toBe('pending');
    },
  );

  it.each(databases.eachSupportedId())(
    'needs N distinct approvers; the same person twice counts once, %p',
    async databaseId => {
      const { requests, issuance, service, audit } = await setup(databaseId);
      const request = pendingRequest({ policyName: 'two-person', approvalsRequired: 2 });
      await requests.add(request);
      const first = await service.decide({
        caller: caller('sec1'),
        requestId: request.id,
        decision: 'approve',
      });
      expect(first.state).toBe('pending');
      await expect(
        service.decide({ caller: caller('SEC1'), requestId: request.id, decision: 'approve' }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect((await requests.get(request.id))?.state).toBe('pending');
      expect(issuance.calls.size).toBe(0);

      const second = await service.decide({
        caller: caller('sec2'),
        requestId: request.id,
        decision: 'approve',
      });
      expect(second.state).toBe('issued');
      expect(issuance.calls.get(request.id)).toBe(1);
      expect((await audit.list({ requestId: request.id })).items.map(i => i.detail)).toEqual([
        'Approval 2 of 2; request approved',
        'Approval 1 of 2; still pending',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'a deny ends it and later decisions conflict, %p',
    async databaseId => {
      const { requests, issuance, service, audit } = await setup(databaseId);
      const request = pendingRequest({ policyName: 'two-person', approvalsRequired: 2 });
      await requests.add(request);
      await service.decide({ caller: caller('sec1'), requestId: request.id, decision: 'approve' });
      const denied = await service.decide({
        caller: caller('sec2'),
        requestId: request.id,
        decision: 'deny',
        reason: 'names outside the team domain',
      });
      expect(denied.state).toBe('denied');
      expect(denied.failureReason).toBe('names outside the team domain');
      await expect(
        service.decide({ caller: caller('sec3'), requestId: request.id, decision: 'approve' }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(
        service.decide({ caller: caller('sec3'), requestId: request.id, decision: 'deny' }),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect((await requests.get(request.id))?.state).toBe('denied');
      expect(issuance.calls.size).toBe(0);
      expect((await audit.list({ requestId: request.id })).items[0]).toMatchObject({
        action: 'denied',
        actor: 'user:default/sec2',
        detail: 'Denied: names outside the team domain',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    '50 concurrent approvals, 20 times: one issuance and one transition record each, %p',
    async databaseId => {
      const { requests, issuance, service, audit } = await setup(databaseId);
      for (let round = 0; round < 20; round++) {
        const request = pendingRequest();
        await requests.add(request);
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            service.decide({
              caller: caller(`sec${i}`),
              requestId: request.id,
              decision: 'approve',
            }),
          ),
        );
        const ok = results.filter(r => r.status === 'fulfilled');
        const conflicts = results.filter(
          r => r.status === 'rejected' && (r.reason as Error).name === 'ConflictError',
        );
        expect(ok).toHaveLength(1);
        expect(conflicts).toHaveLength(49);
        expect(issuance.calls.get(request.id)).toBe(1);
        expect(issuance.issued.get(request.id)).toBe(1);
        expect((await audit.list({ requestId: request.id })).items).toHaveLength(1);
        expect((await requests.get(request.id))?.state).toBe('issued');
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'lists the queue oldest first, filtered by policy, permission conditions and query, %p',
    async databaseId => {
      const conditional = createRequestConditionalDecision(
        { type: 'conditional' } as any,
        requestConditions.hasIssuer({ issuers: ['builtin'] }),
      );
      const { requests, service } = await setup(databaseId, conditional);
      const newest = pendingRequest({ createdAt: '2026-11-28T11:30:00.000Z' });
      const oldest = pendingRequest({ createdAt: '2026-11-27T09:00:00.000Z' });
      const acme = pendingRequest({ issuer: 'letsencrypt' });
      const own = pendingRequest({ requester: 'user:default/sec1' });
      const otherTeam = pendingRequest({ approvers: ['group:default/pki'], policyName: 'gone' });
      const done = pendingRequest({ state: 'issued' });
      for (const r of [newest, oldest, acme, own, otherTeam, done]) await requests.add(r);

      const queue = await service.queue(caller('sec1'));
      expect(queue.map(r => r.id)).toEqual([oldest.id, newest.id]);
      expect(queue[0]).toMatchObject({
        policyName: 'internal',
        pendingReason: 'policy internal requires approval',
        approvers: [SECURITY],
        approvalsRequired: 1,
      });
      expect((await service.queue(caller('sec1'), { minAgeHours: 2 })).map(r => r.id)).toEqual([
        oldest.id,
      ]);
      expect(await service.queue(caller('sec1'), { owner: ['group:default/other'] })).toEqual([]);

      await service.decide({ caller: caller('sec1'), requestId: oldest.id, decision: 'approve' });
      expect((await service.queue(caller('sec1'))).map(r => r.id)).toEqual([newest.id]);
      expect((await service.history(caller('sec1'))).map(r => r.id)).toEqual([oldest.id]);
      await expect(
        service.decide({ caller: caller('sec1'), requestId: acme.id, decision: 'approve' }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    },
  );
});
