import {
  approver,
  awaitingApproval,
  component,
  databaseSuite,
  DatabaseTestContext,
  paymentsCsrOnce,
  SECURITY_GROUP,
  servicesPolicy,
} from '../__testUtils__';

jest.setTimeout(120_000);

const caller = approver;

describe('ApprovalService with the real request store and issuance', () => {
  const db = databaseSuite();
  const csr = paymentsCsrOnce();

  /** One backend instance on the test's database; a second call starts "again" on it. */
  async function setup(
    harness: DatabaseTestContext['harness'],
    certificates?: Record<string, unknown>,
  ) {
    const h = await harness({
      certificates,
      entities: [component('payments', 'group:default/team-payments')],
      policies: [
        servicesPolicy({
          name: 'internal',
          autoApprove: false,
          approvals: { required: 1, approvers: [SECURITY_GROUP] },
        }),
      ],
    });
    const caIssue = jest.spyOn(h.builtinCa, 'issue');
    const issuance = h.issuance;
    const issueApproved = jest.spyOn(issuance, 'issueApproved');
    const submit = () =>
      h.requestStore.create(awaitingApproval('internal', { csrPem: csr.pem }));
    return {
      knex: h.knex,
      store: h.requestStore,
      audit: h.audit,
      issuance,
      service: h.approvals,
      caIssue,
      issueApproved,
      submit,
      h,
    };
  }

  db.test(
    '50 concurrent approvals issue exactly one certificate',
    async ({ harness }) => {
      const { store, audit, service, caIssue, submit } = await setup(harness);
      const request = await submit();
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          service.decide({
            caller: caller(`sec${i}`),
            requestId: request.id,
            decision: 'approve',
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.filter(
          r =>
            r.status === 'rejected' &&
            (r.reason as Error).name === 'ConflictError',
        ),
      ).toHaveLength(49);
      expect(caIssue).toHaveBeenCalledTimes(1);
      const stored = await store.get(request.id);
      expect(stored?.state).toBe('issued');
      expect(stored?.serialNumber).toBeDefined();
      expect(stored?.decisions).toEqual([
        expect.objectContaining({
          decision: 'approve',
          actor: expect.stringMatching(/^user:default\/sec/),
        }),
      ]);
      const actions = (await audit.list({ requestId: request.id })).items.map(
        i => i.action,
      );
      expect(actions.filter(a => a === 'approved')).toHaveLength(1);
      expect(actions.filter(a => a === 'issued')).toHaveLength(1);
    },
  );

  db.test(
    'an approval left unissued by a stop is issued once by the resume task',
    async ({ harness }) => {
      const { store, issuance, service, caIssue, issueApproved, submit } =
        await setup(harness);
      const request = await submit();
      issueApproved.mockRejectedValueOnce(new Error('backend stopped'));
      const approved = await service.decide({
        caller: caller('sec1'),
        requestId: request.id,
        decision: 'approve',
      });
      expect(approved.state).toBe('approved');
      expect(caIssue).not.toHaveBeenCalled();

      await Promise.all([issuance.resume(), issuance.resume()]);
      await issuance.resume();
      expect(caIssue).toHaveBeenCalledTimes(1);
      expect((await store.get(request.id))?.state).toBe('issued');
    },
  );

  db.test(
    'stopped between approved and issued, a backend started again on the same database issues once',
    async ({ harness }) => {
      const first = await setup(harness);
      const request = await first.submit();
      // The first backend dies after the approval committed, before issuing:
      // its issuance never runs.
      first.issueApproved.mockImplementationOnce(() => new Promise(() => {}));
      const deciding = first.service.decide({
        caller: caller('sec1'),
        requestId: request.id,
        decision: 'approve',
      });
      while (first.issueApproved.mock.calls.length === 0) {
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      expect((await first.store.get(request.id))?.state).toBe('approved');
      void deciding;

      // New instances over the same database: the resume task finishes it.
      const second = await setup(harness);
      await Promise.all([second.issuance.resume(), second.issuance.resume()]);
      const issued = await second.store.get(request.id);
      expect(issued?.state).toBe('issued');
      expect(second.caIssue).toHaveBeenCalledTimes(1);

      // A late attempt of the old instance changes nothing.
      await first.issuance.issueApproved(request.id).catch(() => undefined);
      expect(first.caIssue).not.toHaveBeenCalled();
      expect((await second.store.get(request.id))?.serialNumber).toBe(
        issued?.serialNumber,
      );
      const actions = (
        await second.audit.list({ requestId: request.id })
      ).items.map(i => i.action);
      expect(actions.filter(a => a === 'approved')).toHaveLength(1);
      expect(actions.filter(a => a === 'issued')).toHaveLength(1);
    },
  );

  db.test(
    'an issuer slower than the approval wait: the approver is answered "issuing" at once, the certificate and its notice follow once',
    async ({ harness }) => {
      const { h, submit, caIssue } = await setup(harness, {
        approvals: { issuanceWait: { milliseconds: 50 } },
      });
      // The CA answers only when the test lets it, like an ACME order.
      let release!: () => void;
      const gate = new Promise<void>(resolve => (release = resolve));
      const sign = Object.getPrototypeOf(h.builtinCa).issue;
      caIssue.mockImplementation(async (...args) => {
        await gate;
        return sign.apply(h.builtinCa, args);
      });
      const request = await submit();
      const issuedNotices = () =>
        h.notifications.send.mock.calls.filter(([n]: any[]) =>
          n.payload.title.startsWith('Certificate issued'),
        ).length;

      const answered = await h.approvals.decide({
        caller: caller('sec1'),
        requestId: request.id,
        decision: 'approve',
      });
      expect(answered.state).toBe('issuing');
      expect(answered.decisions).toHaveLength(1);
      expect(issuedNotices()).toBe(0);

      release();
      for (let i = 0; i < 200 && issuedNotices() === 0; i++) {
        await new Promise(resolve => setTimeout(resolve, 25));
      }
      expect((await h.requestStore.get(request.id))?.state).toBe('issued');
      expect(caIssue).toHaveBeenCalledTimes(1);
      expect(issuedNotices()).toBe(1);
      // The sweep finds nothing left to do.
      await h.issuance.resume();
      expect(caIssue).toHaveBeenCalledTimes(1);
    },
  );
});
