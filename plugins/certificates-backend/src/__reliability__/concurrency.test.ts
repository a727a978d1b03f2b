import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  awaitingApproval,
  component,
  createHarness,
  describeDatabases,
  paymentsCsrOnce,
  userCaller,
  userEntity,
} from '../__testUtils__';
import { scale, Tally } from './counters';

/*
 * Exactly one issuance per approval under concurrency: 50 decisions arrive
 * at once for a request that needs N approvals (some of them from the same
 * person twice, one from the requester), while a second backend instance
 * runs its issuance sweep over the same database. Every run must end with N
 * decisions, one certificate in the CA's records and one call to the CA.
 */

jest.setTimeout(30 * 60_000);

const APPROVERS = 50;
const RUNS = scale(5, 100);
const SECURITY = 'group:default/security';
const REQUESTER = 'user:default/dev';

const caller = (userEntityRef: string) =>
  userCaller(userEntityRef.split('/')[1], [SECURITY]);

/** One policy per N, so the request's snapshot and the policy agree. */
const policies: CertificatePolicy[] = [1, 2, 3].map(n => ({
  name: `approvals-${n}`,
  allowedDnsNames: ['*.example.com'],
  approvals: { required: n, approvers: [SECURITY] },
}));

describeDatabases('concurrent approvals issue exactly once', db => {
  const tally = new Tally('concurrency');
  const csr = paymentsCsrOnce();

  afterAll(() => tally.flush());

  /** Every approver is a catalog user in the security group. */
  const entities = [
    component('payments', 'group:default/team-payments'),
    ...Array.from({ length: APPROVERS }, (_, i) =>
      userEntity(`user:default/sec${i}`, [SECURITY]),
    ),
  ];

  /** One backend instance over `knex`: its own CA object, store and services. */
  async function instance(knex: Knex) {
    const h = await createHarness(db.databases, 'SQLITE_3', {
      knex,
      policies,
      entities,
    });
    const caCalls = new Map<string, number>();
    const issue = h.builtinCa.issue.bind(h.builtinCa);
    jest
      .spyOn(h.builtinCa, 'issue')
      .mockImplementation(async (request, trx) => {
        caCalls.set(
          request.requestId,
          (caCalls.get(request.requestId) ?? 0) + 1,
        );
        return issue(request, trx);
      });
    return {
      store: h.requestStore,
      audit: h.audit,
      issuance: h.issuance,
      approvals: h.approvals,
      caCalls,
    };
  }

  db.test(
    `${APPROVERS} concurrent approvals x ${RUNS} runs, N of 1-3 approvals`,
    async ({ knex }) => {
      const first = await instance(knex);
      const second = await instance(knex);
      const problems: string[] = [];
      let duplicateIssuances = 0;

      for (let run = 0; run < RUNS; run++) {
        const required = 1 + (run % 3);
        const request = await first.store.create(
          awaitingApproval(`approvals-${required}`, {
            requester: REQUESTER,
            approvalsRequired: required,
            csrPem: csr.pem,
          }),
        );
        // The requester alone, while the request is pending: refused, nothing written.
        const own = await first.approvals
          .decide({
            caller: caller(REQUESTER),
            requestId: request.id,
            decision: 'approve',
          })
          .then(
            () => 'accepted',
            (e: Error) => e.name,
          );
        const decisionRows = await knex('certificates_approval_decisions')
          .where({ request_id: request.id })
          .count({ n: '*' });
        if (own !== 'NotAllowedError' || Number(decisionRows[0].n) !== 0) {
          problems.push(
            `run ${run}: the requester's own approval was ${own}, ${decisionRows[0].n} rows`,
          );
        }
        // 45 approvers, 4 of them twice, and the requester again (who never counts).
        const actors = [
          ...Array.from(
            { length: APPROVERS - 5 },
            (_, i) => `user:default/sec${i}`,
          ),
          ...[0, 1, 2, 3].map(i => `user:default/sec${i}`),
          REQUESTER,
        ];
        // Shuffled, and split between the two instances.
        actors.sort(() => Math.random() - 0.5);
        const decisions = actors.map((actor, i) =>
          (i % 2 ? second : first).approvals.decide({
            caller: caller(actor),
            requestId: request.id,
            decision: 'approve',
          }),
        );
        // Both instances sweep for approved requests while the decisions land.
        let deciding = true;
        const sweeping = Promise.all(
          [second, first].map(async ({ issuance }) => {
            while (deciding) {
              await issuance.resume();
              await new Promise(resolve => setImmediate(resolve));
            }
          }),
        );
        const results = await Promise.allSettled(decisions);
        deciding = false;
        await sweeping;
        // What a later sweep finds: nothing left to issue.
        await second.issuance.resume();

        const fulfilled = results.filter(r => r.status === 'fulfilled').length;
        const refusals = results
          .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
          .map(r => (r.reason as Error).name);
        const stored = await first.store.get(request.id);
        const caRows = await knex('certificates_ca_issued').where({
          request_id: request.id,
        });
        const calls =
          (first.caCalls.get(request.id) ?? 0) +
          (second.caCalls.get(request.id) ?? 0);
        const trail = (
          await first.audit.list({ requestId: request.id })
        ).items.map(i => i.action);
        const actorsCounted = new Set(stored?.decisions.map(d => d.actor));

        duplicateIssuances +=
          Math.max(0, caRows.length - 1) + Math.max(0, calls - 1);
        const check = (what: string, ok: boolean) => {
          if (!ok) problems.push(`run ${run} (N=${required}) ${what}`);
        };
        check(`state ${stored?.state}`, stored?.state === 'issued');
        check(`${caRows.length} CA rows`, caRows.length === 1);
        check(`${calls} CA calls`, calls === 1);
        check(
          `serial ${stored?.serialNumber}`,
          stored?.serialNumber === caRows[0]?.serial_number,
        );
        check(`${fulfilled} approvals accepted`, fulfilled === required);
        check(
          `refusals ${[...new Set(refusals)].join(',')}`,
          refusals.length === actors.length - required &&
            refusals.every(
              name => name === 'ConflictError' || name === 'NotAllowedError',
            ) &&
            refusals.filter(name => name === 'NotAllowedError').length <= 1,
        );
        check(
          `decisions ${stored?.decisions.length} by ${actorsCounted.size} people`,
          stored?.decisions.length === required &&
            actorsCounted.size === required &&
            !actorsCounted.has(REQUESTER),
        );
        check(
          `audit ${trail.join(',')}`,
          trail.filter(a => a === 'approved').length === required &&
            trail.filter(a => a === 'issued').length === 1,
        );
      }

      tally.add({ duplicateIssuances });
      expect(problems.slice(0, 10)).toEqual([]);
      expect(duplicateIssuances).toBe(0);
      const issuedRows = await knex('certificates_ca_issued').count({ n: '*' });
      expect(Number(issuedRows[0].n)).toBe(RUNS);
    },
  );
});
