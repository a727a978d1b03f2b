import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createLeafCertificate,
  testPki,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { Knex } from 'knex';
import { DatabaseAuditLog } from '../audit';
import { TrustBundle } from '../ca';
import {
  allowAllPermissions,
  migratedDatabase,
  SECURITY_GROUP,
  testDatabases,
  userCaller,
} from '../__testUtils__';
import { DatabaseTrustStore } from './DatabaseTrustStore';
import { TrustChangeService } from './TrustChangeService';

const databases = testDatabases();
const approver = (name: string) => userCaller(name, [SECURITY_GROUP]);
const alice = approver('alice');

async function setup(
  databaseId: Parameters<typeof migratedDatabase>[1],
  options: { required?: number } = {},
) {
  const knex = await migratedDatabase(databases, databaseId);
  const store = DatabaseTrustStore.create({ knex });
  const { root } = await testPki();
  const bundle = await TrustBundle.create({
    settings: { approvedRoots: [root.certPem], includeBuiltinRoot: false },
    store,
  });
  const audit = DatabaseAuditLog.create({ knex });
  const onApplied = jest.fn();
  const permissions = allowAllPermissions();
  const service = TrustChangeService.create({
    store,
    audit,
    permissions,
    approvals: { required: options.required ?? 2, approvers: [SECURITY_GROUP] },
    onApplied,
  });
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  return { knex, store, bundle, service, onApplied, permissions, count };
}

/** Asks, as `who`, for the rogue test root to be added. */
async function requestRogue(
  service: TrustChangeService,
  who = alice,
  reason = 'x',
) {
  const { rogue } = await testPki();
  return service.request(who, { action: 'add', pem: rogue.certPem, reason });
}

describe.each(databases.eachSupportedId())(
  'TrustChangeService on %p',
  databaseId => {
    let knex: Knex | undefined;
    afterEach(async () => {
      await knex?.destroy();
      knex = undefined;
    });

    /** A fresh setup on this database, closed after the test. */
    async function start(options?: { required?: number }) {
      const t = await setup(databaseId, options);
      knex = t.knex;
      return t;
    }

    it('seeds the configured roots once, marked as config, and keeps a removed one removed', async () => {
      const t = await start({ required: 1 });
      const { root } = await testPki();
      expect((await t.store.listRoots()).map(r => r.source)).toEqual([
        'config',
      ]);
      const [seeded] = await t.store.listRoots();
      const change = await t.service.request(alice, {
        action: 'remove',
        fingerprint: seeded.fingerprint,
        reason: 'retired',
      });
      await t.service.decide(approver('bob'), change.id, {
        decision: 'approve',
      });
      await TrustBundle.create({
        settings: { approvedRoots: [root.certPem], includeBuiltinRoot: false },
        store: t.store,
      });
      expect(await t.store.listRoots()).toEqual([]);
    });

    it('adds a root after N distinct approvals, never from the requester, and audits each step', async () => {
      const t = await start();
      const { rogue } = await testPki();
      const change = await t.service.request(alice, {
        action: 'add',
        pem: rogue.certPem,
        reason: 'partner CA',
      });
      expect(change).toMatchObject({
        state: 'pending',
        required: 2,
        requester: 'user:default/alice',
      });

      const roots = await t.count('certificates_trust_roots');
      await expect(
        t.service.decide(alice, change.id, { decision: 'approve' }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      await expect(
        t.service.decide(userCaller('eve', ['group:default/dev']), change.id, {
          decision: 'approve',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      expect(await t.count('certificates_trust_decisions')).toBe(0);

      const once = await t.service.decide(approver('bob'), change.id, {
        decision: 'approve',
      });
      expect(once.state).toBe('pending');
      await expect(
        t.service.decide(approver('Bob'), change.id, { decision: 'approve' }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      expect(await t.count('certificates_trust_roots')).toBe(roots);
      expect(t.onApplied).not.toHaveBeenCalled();

      const done = await t.service.decide(approver('carol'), change.id, {
        decision: 'approve',
      });
      expect(done.state).toBe('approved');
      expect(t.onApplied).toHaveBeenCalledTimes(1);
      expect((await t.store.listRoots()).map(r => r.source)).toEqual([
        'config',
        'portal',
      ]);
      await t.bundle.refresh();
      expect(await t.bundle.pem()).toContain(
        rogue.certPem.trim().split('\n')[1],
      );

      await expect(
        t.service.decide(approver('dave'), change.id, { decision: 'approve' }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      const actions = (
        await t
          .knex('certificates_audit')
          .where({ request_id: change.id })
          .orderBy('seq')
      ).map(r => `${r.action} ${r.actor}`);
      expect(actions).toEqual([
        'trust-change-requested user:default/alice',
        'trust-change-approved user:default/bob',
        'trust-change-approved user:default/carol',
        'trust-change-applied user:default/carol',
      ]);
    });

    it('ends a change on the first deny and leaves the roots alone', async () => {
      const t = await start();
      const [seeded] = await t.store.listRoots();
      const change = await t.service.request(alice, {
        action: 'remove',
        fingerprint: seeded.fingerprint,
        reason: 'x',
      });
      const denied = await t.service.decide(approver('bob'), change.id, {
        decision: 'deny',
        reason: 'still used',
      });
      expect(denied.state).toBe('denied');
      expect(await t.store.listRoots()).toHaveLength(1);
      expect(await t.store.getChange(change.id)).toMatchObject({
        state: 'denied',
        decisions: [{ reason: 'still used' }],
      });
    });

    it('refuses what is not a valid root with the reason, and stores nothing', async () => {
      const t = await start();
      const { intermediate, root } = await testPki();
      const leaf = await createLeafCertificate();
      const expired = await createLeafCertificate({
        selfSigned: true,
        isCa: true,
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      });
      const attempts: Array<[string, RegExp, string]> = [
        [leaf.certPem, /not a CA certificate/, 'InputError'],
        [intermediate.certPem, /not self-signed/, 'InputError'],
        [expired.certPem, /expired/, 'InputError'],
        ['not a certificate', /no PEM certificate/, 'InputError'],
        [root.certPem, /already approved/, 'ConflictError'],
      ];
      for (const [pem, message, name] of attempts) {
        await expect(
          t.service.request(alice, { action: 'add', pem, reason: 'x' }),
        ).rejects.toMatchObject({
          name,
          message: expect.stringMatching(message),
        });
      }
      expect(await t.count('certificates_trust_changes')).toBe(0);
      expect(await t.count('certificates_audit')).toBe(0);
    });

    it('refuses callers without the permissions, and a second open change of a root', async () => {
      const t = await start();
      const change = await requestRogue(t.service);
      await expect(
        requestRogue(t.service, approver('bob'), 'y'),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      t.permissions.authorize.mockImplementation(async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.DENY })),
      );
      await expect(requestRogue(t.service)).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      await expect(
        t.service.decide(approver('bob'), change.id, { decision: 'approve' }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      expect(await t.count('certificates_trust_changes')).toBe(1);
      expect(await t.count('certificates_trust_decisions')).toBe(0);
    });

    it('counts concurrent approvals of different people exactly once each', async () => {
      const t = await start();
      const change = await requestRogue(t.service);
      const results = await Promise.allSettled(
        ['bob', 'carol', 'dave'].map(name =>
          t.service.decide(approver(name), change.id, { decision: 'approve' }),
        ),
      );
      expect(
        results.filter(r => r.status === 'fulfilled').length,
      ).toBeGreaterThanOrEqual(2);
      expect(await t.store.getChange(change.id)).toMatchObject({
        state: 'approved',
      });
      expect(await t.count('certificates_trust_roots')).toBe(2);
      expect(t.onApplied).toHaveBeenCalledTimes(1);
    });
  },
);
