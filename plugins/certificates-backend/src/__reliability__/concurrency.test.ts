import { ConfigReader } from '@backstage/config';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { ApprovalService } from '../approvals/ApprovalService';
import { DatabaseApprovalQueue } from '../approvals/DatabaseApprovalQueue';
import { DatabaseDecisionStore } from '../approvals/DecisionStore';
import { MemoryDirectory } from '../approvals/__testUtils__/TableRequests';
import { DatabaseAuditLog } from '../audit';
import { BuiltinCa } from '../ca';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { IssuanceService, IssuerRegistry } from '../issuing';
import { DatabaseRequestStore } from '../requests';
import { CallerIdentity } from '../service/identity';
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

const config = new ConfigReader({
  backend: { baseUrl: 'http://localhost:7007' },
  certificates: {
    builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' },
  },
});

function caller(userEntityRef: string): CallerIdentity {
  return {
    credentials: mockCredentials.user(userEntityRef),
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, SECURITY],
  };
}

/** One policy per N, so the request's snapshot and the policy agree. */
const policies: CertificatePolicy[] = [1, 2, 3].map(n => ({
  name: `approvals-${n}`,
  allowedDnsNames: ['*.example.com'],
  approvals: { required: n, approvers: [SECURITY] },
}));

describe('concurrent approvals issue exactly once', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const tally = new Tally('concurrency');
  let csrPem: string;

  beforeAll(async () => {
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com'],
    }));
  });

  afterAll(() => tally.flush());

  /** One backend instance over `knex`: its own CA object, store and services. */
  async function instance(knex: Knex) {
    const logger = mockServices.logger.mock();
    const ca = await BuiltinCa.create({ knex, config, logger });
    const caCalls = new Map<string, number>();
    const issue = ca.issue.bind(ca);
    jest.spyOn(ca, 'issue').mockImplementation(async (request, trx) => {
      caCalls.set(request.requestId, (caCalls.get(request.requestId) ?? 0) + 1);
      return issue(request, trx);
    });
    const store = DatabaseRequestStore.create({ knex });
    const audit = DatabaseAuditLog.create({ knex });
    const issuance = IssuanceService.create({
      store,
      issuers: IssuerRegistry.create({ issuers: [ca] }),
      logger,
      audit,
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const approvals = ApprovalService.create({
      knex,
      requests: store,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit,
      permissions,
      issuance,
      policies,
      queue: DatabaseApprovalQueue.create({ knex }),
      directory: new MemoryDirectory([SECURITY]),
      logger,
    });
    return { store, audit, issuance, approvals, caCalls };
  }

  it.each(databases.eachSupportedId())(
    `${APPROVERS} concurrent approvals x ${RUNS} runs, N of 1-3 approvals, %p`,
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations({ knex });
      const first = await instance(knex);
      const second = await instance(knex);
      const problems: string[] = [];
      let duplicateIssuances = 0;

      for (let run = 0; run < RUNS; run++) {
        const required = 1 + (run % 3);
        const request = await first.store.create({
          entityRef: 'component:default/payments',
          requester: REQUESTER,
          ownerRef: 'group:default/team-payments',
          policyName: `approvals-${required}`,
          approvalsRequired: required,
          approvers: [SECURITY],
          commonName: 'payments.example.com',
          dnsNames: ['payments.example.com'],
          ipAddresses: [],
          uris: [],
          keyAlgorithm: 'ECDSA-P256',
          validityDays: 30,
          issuer: 'builtin',
          clientAuth: false,
          delivery: { kind: 'csr' },
          csrPem,
          state: 'pending',
          pendingReason: `policy approvals-${required} requires approval`,
        });
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
