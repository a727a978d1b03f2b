import { ConfigReader } from '@backstage/config';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { DatabaseAuditLog } from '../audit';
import { BuiltinCa } from '../ca';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { IssuanceService, IssuerRegistry } from '../issuing';
import { DatabaseRequestStore } from '../requests';
import { CallerIdentity } from '../service/identity';
import { ApprovalService } from './ApprovalService';
import { DatabaseDecisionStore } from './DecisionStore';

jest.setTimeout(120_000);

const config = new ConfigReader({
  backend: { baseUrl: 'http://localhost:7007' },
  certificates: { builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' } },
});
const SECURITY = 'group:default/security';

function caller(name: string): CallerIdentity {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, SECURITY],
  };
}

describe('ApprovalService with the real request store and issuance', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let csrPem: string;

  beforeAll(async () => {
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com'],
    }));
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    await applyDatabaseMigrations({ knex });
    const logger = mockServices.logger.mock();
    const ca = await BuiltinCa.create({ knex, config, logger });
    const caIssue = jest.spyOn(ca, 'issue');
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
    const issueApproved = jest.fn((id: string) => issuance.issueApproved(id));
    const service = ApprovalService.create({
      knex,
      requests: store,
      decisions: DatabaseDecisionStore.create({ knex }),
      audit,
      permissions,
      issuance: { issueApproved },
      policyByName: () => undefined,
      logger,
    });
    const submit = () =>
      store.create({
        entityRef: 'component:default/payments',
        requester: 'user:default/dev',
        ownerRef: 'group:default/team-payments',
        policyName: 'internal',
        approvalsRequired: 1,
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
        pendingReason: 'policy internal requires approval',
      });
    return { store, audit, issuance, service, caIssue, issueApproved, submit };
  }

  it.each(databases.eachSupportedId())(
    '50 concurrent approvals issue exactly one certificate, %p',
    async databaseId => {
      const { store, audit, service, caIssue, submit } = await setup(databaseId);
      const request = await submit();
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          service.decide({ caller: caller(`sec${i}`), requestId: request.id, decision: 'approve' }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.filter(r => r.status === 'rejected' && (r.reason as Error).name === 'ConflictError'),
      ).toHaveLength(49);
      expect(caIssue).toHaveBeenCalledTimes(1);
      const stored = await store.get(request.id);
      expect(stored?.state).toBe('issued');
      expect(stored?.serialNumber).toBeDefined();
      expect(stored?.decisions).toEqual([
        expect.objectContaining({ decision: 'approve', actor: expect.stringMatching(/^user:default\/sec/) }),
      ]);
      const actions = (await audit.list({ requestId: request.id })).items.map(i => i.action);
      expect(actions.filter(a => a === 'approved')).toHaveLength(1);
      expect(actions.filter(a => a === 'issued')).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'an approval left unissued by a stop is issued once by the resume task, %p',
    async databaseId => {
      const { store, issuance, service, caIssue, issueApproved, submit } = await setup(databaseId);
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
});
