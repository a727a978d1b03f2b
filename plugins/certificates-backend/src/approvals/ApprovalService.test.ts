import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { describeDatabases, decideAs, userCaller } from '../__testUtils__';
import { DatabaseAuditLog } from '../audit';
import { CallerIdentity } from '../service/identity';
import { ApprovalService } from './ApprovalService';
import { DatabaseDecisionStore } from './DecisionStore';
import {
  requestConditions,
  createRequestConditionalDecision,
} from '../permissions';
import { QueueFilter } from './ApprovalService';
import { QueuePosition } from './ports';
import {
  CountingIssuance,
  MemoryDirectory,
  pendingRequest,
  TableRequests,
} from './__testUtils__/TableRequests';

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

const TWO_PERSON = { policyName: 'two-person', approvalsRequired: 2 };

const caller = (name: string, groups: string[] = [SECURITY]) =>
  userCaller(name, groups);

describeDatabases('ApprovalService', db => {
  async function setup(
    knex: Knex,
    decision: PolicyDecision = { result: AuthorizeResult.ALLOW },
  ) {
    const requests = await TableRequests.create(knex);
    const directory = new MemoryDirectory([SECURITY]);
    const issuance = new CountingIssuance(requests);
    const audit = DatabaseAuditLog.create({ knex });
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => decision),
    );
    const notifier = {
      requestDecided: jest.fn(),
      requestIssued: jest.fn(),
      requestFailed: jest.fn(),
    };
    const service = ApprovalService.create({
      knex,
      requests,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit,
      permissions,
      issuance,
      policies: Object.values(policies),
      queue: requests,
      directory,
      notifier: notifier as any,
      logger: mockServices.logger.mock(),
      issuanceWaitMs: 60_000,
      now: () => new Date('2026-11-28T12:00:00.000Z'),
    });
    /** The caller's whole queue, read in pages of two. */
    const queue = async (who: CallerIdentity, filter: QueueFilter = {}) => {
      const items: CertificateRequest[] = [];
      let after: QueuePosition | undefined;
      for (;;) {
        const page = await service.queuePage(who, filter, { limit: 2, after });
        items.push(...page.rows.filter(r => r.visible).map(r => r.request));
        if (!page.mayHaveMore) return items;
        const last = page.rows[page.rows.length - 1].request;
        after = [last.createdAt, last.id];
      }
    };
    const addPending = async (overrides?: Partial<CertificateRequest>) => {
      const request = pendingRequest(overrides);
      await requests.add(request);
      return request;
    };
    return {
      knex,
      requests,
      addPending,
      issuance,
      audit,
      service,
      notifier,
      directory,
      queue,
    };
  }

  /** A pending request for the two-person policy, in a fresh setup. */
  async function twoPersonRequest(knex: Knex) {
    const world = await setup(knex);
    return { ...world, request: await world.addPending(TWO_PERSON) };
  }

  db.test('approves, issues once, audits and notifies', async ({ knex }) => {
    const { issuance, audit, service, notifier, addPending } = await setup(
      knex,
    );
    const request = await addPending();
    const result = await decideAs(service, 'sec1', request.id, 'approve');
    expect(result.state).toBe('issued');
    expect(result.decisions).toEqual([
      expect.objectContaining({
        actor: 'user:default/sec1',
        decision: 'approve',
      }),
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
  });

  db.test(
    'refuses self-approval even when the permission policy allows everything',
    async ({ knex }) => {
      const { requests, issuance, service, audit, addPending } = await setup(
        knex,
      );
      const request = await addPending({ requester: 'user:default/sec1' });
      await expect(
        decideAs(service, 'sec1', request.id, 'approve'),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: /own request/,
      });
      expect((await requests.get(request.id))?.state).toBe('pending');
      expect(issuance.calls.size).toBe(0);
      expect((await audit.list({})).items).toEqual([]);
    },
  );

  db.test(
    'refuses someone outside the approver groups, and an approver without the permission',
    async ({ knex }) => {
      const denied = await setup(knex, { result: AuthorizeResult.DENY });
      const r1 = await denied.addPending();
      await expect(
        decideAs(denied.service, 'sec1', r1.id, 'approve'),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
      expect(await denied.queue(caller('sec1'))).toEqual([]);
      expect(await denied.service.count(caller('sec1'))).toBe(0);

      const { requests, service, addPending } = await setup(knex);
      const r2 = await addPending();
      await expect(
        decideAs(
          service,
          caller('dev2', ['group:default/team-a']),
          r2.id,
          'approve',
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: /group:default\/security/,
      });
      expect((await requests.get(r2.id))?.state).toBe('pending');
    },
  );

  db.test(
    'needs N distinct approvers; the same person twice counts once',
    async ({ knex }) => {
      const { requests, issuance, service, audit, request } =
        await twoPersonRequest(knex);
      const first = await decideAs(service, 'sec1', request.id, 'approve');
      expect(first.state).toBe('pending');
      await expect(
        decideAs(service, 'SEC1', request.id, 'approve'),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect((await requests.get(request.id))?.state).toBe('pending');
      expect(issuance.calls.size).toBe(0);

      const second = await decideAs(service, 'sec2', request.id, 'approve');
      expect(second.state).toBe('issued');
      expect(issuance.calls.get(request.id)).toBe(1);
      expect(
        (await audit.list({ requestId: request.id })).items.map(i => i.detail),
      ).toEqual([
        'Approval 2 of 2; request approved',
        'Approval 1 of 2; still pending',
      ]);
    },
  );

  db.test('a deny ends it and later decisions conflict', async ({ knex }) => {
    const { requests, issuance, service, audit, request } =
      await twoPersonRequest(knex);
    await decideAs(service, 'sec1', request.id, 'approve');
    const denied = await decideAs(
      service,
      'sec2',
      request.id,
      'deny',
      'names outside the team domain',
    );
    expect(denied.state).toBe('denied');
    expect(denied.failureReason).toBe('names outside the team domain');
    await expect(
      decideAs(service, 'sec3', request.id, 'approve'),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(
      decideAs(service, 'sec3', request.id, 'deny'),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect((await requests.get(request.id))?.state).toBe('denied');
    expect(issuance.calls.size).toBe(0);
    expect(
      (await audit.list({ requestId: request.id })).items[0],
    ).toMatchObject({
      action: 'denied',
      actor: 'user:default/sec2',
      detail: 'Denied: names outside the team domain',
    });
  });

  db.test(
    '50 concurrent approvals, 20 times: one issuance and one transition record each',
    async ({ knex }) => {
      const { requests, issuance, service, audit, addPending } = await setup(
        knex,
      );
      for (let round = 0; round < 20; round++) {
        const request = await addPending();
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            decideAs(service, `sec${i}`, request.id, 'approve'),
          ),
        );
        const ok = results.filter(r => r.status === 'fulfilled');
        const conflicts = results.filter(
          r =>
            r.status === 'rejected' &&
            (r.reason as Error).name === 'ConflictError',
        );
        expect(ok).toHaveLength(1);
        expect(conflicts).toHaveLength(49);
        expect(issuance.calls.get(request.id)).toBe(1);
        expect(issuance.issued.get(request.id)).toBe(1);
        expect(
          (await audit.list({ requestId: request.id })).items,
        ).toHaveLength(1);
        expect((await requests.get(request.id))?.state).toBe('issued');
      }
    },
  );

  db.test(
    'lists the queue oldest first, filtered by policy, permission conditions and query',
    async ({ knex }) => {
      const conditional = createRequestConditionalDecision(
        { type: 'conditional' } as any,
        requestConditions.hasIssuer({ issuers: ['builtin'] }),
      );
      const { requests, service, queue } = await setup(knex, conditional);
      const newest = pendingRequest({ createdAt: '2026-11-28T11:30:00.000Z' });
      const oldest = pendingRequest({ createdAt: '2026-11-27T09:00:00.000Z' });
      const acme = pendingRequest({ issuer: 'letsencrypt' });
      const own = pendingRequest({ requester: 'user:default/sec1' });
      const otherTeam = pendingRequest({
        approvers: ['group:default/pki'],
        policyName: 'gone',
      });
      const done = pendingRequest({ state: 'issued' });
      for (const r of [newest, oldest, acme, own, otherTeam, done])
        await requests.add(r);

      const listed = await queue(caller('sec1'));
      expect(listed.map(r => r.id)).toEqual([oldest.id, newest.id]);
      expect(await service.count(caller('sec1'))).toBe(2);
      expect(listed[0]).toMatchObject({
        policyName: 'internal',
        pendingReason: 'policy internal requires approval',
        approvers: [SECURITY],
        approvalsRequired: 1,
      });
      expect(
        (await queue(caller('sec1'), { minAgeHours: 2 })).map(r => r.id),
      ).toEqual([oldest.id]);
      expect(
        await queue(caller('sec1'), { owner: ['group:default/other'] }),
      ).toEqual([]);

      await decideAs(service, 'sec1', oldest.id, 'approve');
      expect((await queue(caller('sec1'))).map(r => r.id)).toEqual([newest.id]);
      expect((await service.history(caller('sec1'))).map(r => r.id)).toEqual([
        oldest.id,
      ]);
      await expect(
        decideAs(service, 'sec1', acme.id, 'approve'),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    },
  );

  db.test(
    'counts an approval only while its approver still is one: A approves, leaves, B approves, C completes',
    async ({ knex }) => {
      const { issuance, service, audit, directory, request } =
        await twoPersonRequest(knex);
      const decisions = () =>
        knex('certificates_approval_decisions').where({
          request_id: request.id,
        });

      expect((await decideAs(service, 'a', request.id, 'approve')).state).toBe(
        'pending',
      );
      // A leaves the security group; the catalog says so from now on.
      directory.set('user:default/a', ['group:default/team-a']);

      const second = await decideAs(service, 'b', request.id, 'approve');
      expect(second.state).toBe('pending');
      expect(directory.lookups).toContain('user:default/a');
      expect(issuance.calls.size).toBe(0);
      expect(
        (await audit.list({ requestId: request.id })).items[0].detail,
      ).toBe(
        'Approval 1 of 2 (not counted, no longer approvers: user:default/a); still pending',
      );

      // A, no longer an approver, cannot add anything; nothing changes.
      const before = (await decisions()).length;
      await expect(
        decideAs(
          service,
          caller('a', ['group:default/team-a']),
          request.id,
          'approve',
        ),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect((await decisions()).length).toBe(before);

      const third = await decideAs(service, 'c', request.id, 'approve');
      expect(third.state).toBe('issued');
      expect(issuance.calls.get(request.id)).toBe(1);
      expect(
        (await audit.list({ requestId: request.id })).items[0].detail,
      ).toBe(
        'Approval 2 of 2 (not counted, no longer approvers: user:default/a); request approved',
      );
    },
  );

  db.test(
    'decides nothing when the catalog cannot say who is an approver now',
    async ({ knex }) => {
      const { requests, service, directory, audit, request } =
        await twoPersonRequest(knex);
      await decideAs(service, 'a', request.id, 'approve');
      jest.spyOn(directory, 'ownershipRefsOf').mockRejectedValue(
        Object.assign(new Error('catalog down'), {
          name: 'ServiceUnavailableError',
        }),
      );
      await expect(
        decideAs(service, 'b', request.id, 'approve'),
      ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
      expect(
        await knex('certificates_approval_decisions').where({
          request_id: request.id,
        }),
      ).toHaveLength(1);
      expect((await requests.get(request.id))?.state).toBe('pending');
      expect((await audit.list({ requestId: request.id })).items).toHaveLength(
        1,
      );
    },
  );
});
