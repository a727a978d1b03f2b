import { mockServices } from '@backstage/backend-test-utils';
import { AuditAction } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  databaseSuite,
  fakeSigner,
  newRequest as requestRow,
} from '../__testUtils__';
import { AuditEntry, AuditLog, DatabaseAuditLog } from '../audit';
import { DatabaseRequestStore } from '../requests';
import { persistSubmission } from '../requests/RequestService';
import { IssuanceService } from './IssuanceService';
import { IssuerRegistry } from './IssuerRegistry';
import { TransactionalSigner } from './issuanceTypes';
import { transactionOf, UnitOfWork } from '../database';
import { issuanceNoops } from './__testUtils__/issuanceNoops';

/**
 * Invariant 7 on every issuing path: a request's state change and its audit
 * record commit in one transaction. The audit log here "dies" at a chosen
 * record: that write and every later one throw, as for a process that
 * crashed right there, and the database must show no state its trail does
 * not.
 */
describe('IssuanceService: each state change commits with its audit record', () => {
  const db = databaseSuite();

  /** The records a request of this suite (stored approved or issuing) has in each state. */
  const TRAIL: Record<string, AuditAction[]> = {
    approved: [],
    issuing: ['issuing'],
    issued: ['issuing', 'issued'],
    failed: ['issuing', 'failed'],
  };

  /** A request settled in `state`, with the whole trail of it. */
  const settled = (state: 'issued' | 'failed') => ({
    state,
    trail: TRAIL[state],
  });

  const newRequest = (state: 'approved' | 'issuing', issuer = 'signer') =>
    requestRow({ requesterIsOwner: true, issuer, csrPem: 'a CSR', state });

  /** An audit log that dies at the first record of `action`: from then on every write throws. */
  function dyingAudit(knex: Knex, action?: AuditAction) {
    const log = DatabaseAuditLog.create({ knex });
    let dead = false;
    const trxs: Array<UnitOfWork | undefined> = [];
    const audit: AuditLog = {
      async record(entry: AuditEntry, trx?: UnitOfWork) {
        trxs.push(trx);
        if (dead || entry.action === action) {
          dead = true;
          throw new Error(`process died before recording ${entry.action}`);
        }
        return log.record(entry, trx);
      },
      list: filter => log.list(filter),
    };
    return { audit, trxs };
  }

  async function setup(knex: Knex) {
    const signer = fakeSigner();
    // Signs in memory and keeps its record in the database, but refuses.
    const refusing: TransactionalSigner = {
      id: 'refusing',
      joinsTransactions: true,
      info: signer.info,
      issue: async () => {
        throw new Error('never called');
      },
      sign: () => {
        throw new Error('the CA refuses this CSR');
      },
      recordIssued: async () => undefined,
    };
    const issuers = IssuerRegistry.create({ issuers: [signer, refusing] });
    const service = (audit: AuditLog, clock = new Date()) =>
      IssuanceService.create({
        ...issuanceNoops,
        store: DatabaseRequestStore.create({ knex }),
        issuers,
        logger: mockServices.logger.mock(),
        audit,
        now: () => clock,
      });
    const store = DatabaseRequestStore.create({ knex });
    /** The state and the audit trail of a request, as the database has them. */
    const persisted = async (id: string) => {
      const row = await knex('certificates_requests').where({ id }).first();
      const trail = await knex('certificates_audit')
        .where({ request_id: id })
        .orderBy('seq');
      return {
        state: row?.state as string | undefined,
        trail: trail.map(r => r.action as string),
      };
    };
    /** A fresh instance, past the dead one's lease, finishes what it left. */
    const recover = async (id: string) => {
      const later = new Date(Date.now() + 10 * 60_000);
      const fresh = service(DatabaseAuditLog.create({ knex }), later);
      await fresh.resume({ stuckAfterMs: 0 });
      return persisted(id);
    };
    return { knex, store, service, signer, persisted, recover };
  }

  /**
   * An approved request (of `issuer`) that an instance dying at the first
   * `action` record was issuing: it is left issuing with that one record.
   */
  async function diedAt(knex: Knex, action: AuditAction, issuer?: string) {
    const suite = await setup(knex);
    const { audit } = dyingAudit(suite.knex, action);
    const request = await suite.store.create(newRequest('approved', issuer));
    await suite
      .service(audit)
      .issueApproved(request.id)
      .catch(() => undefined);
    expect(await suite.persisted(request.id)).toEqual({
      state: 'issuing',
      trail: ['issuing'],
    });
    return { ...suite, request };
  }

  function expectWholeTrail(found: { state?: string; trail: string[] }) {
    expect(found.trail).toEqual(TRAIL[found.state!]);
  }

  db.test(
    'dying at the issuing record leaves the request approved, unrecorded; it is issued later with its whole trail',
    async ({ knex }) => {
      const { store, service, signer, persisted, recover } = await setup(knex);
      const { audit } = dyingAudit(knex, 'issuing');
      const request = await store.create(newRequest('approved'));
      await expect(service(audit).issueApproved(request.id)).rejects.toThrow(
        'process died',
      );
      expect(await persisted(request.id)).toEqual({
        state: 'approved',
        trail: [],
      });
      expect(signer.issue).not.toHaveBeenCalled();
      const recovered = await recover(request.id);
      expect(recovered).toEqual(settled('issued'));
    },
  );

  db.test(
    'dying at the issued record leaves the request issuing, not issued without its record; recovery issues it',
    async ({ knex }) => {
      const { request, recover } = await diedAt(knex, 'issued');
      const row = await knex('certificates_requests')
        .where({ id: request.id })
        .first();
      expect([row.chain_pem, row.serial_number]).toEqual([null, null]);
      expect(await recover(request.id)).toEqual(settled('issued'));
    },
  );

  db.test(
    'dying at the failed record leaves the request issuing, not failed without its record; recovery fails it',
    async ({ knex }) => {
      // Its issuer is no longer configured: issuing it fails.
      const { request, recover } = await diedAt(knex, 'failed', 'retired');
      expect(await recover(request.id)).toEqual(settled('failed'));
    },
  );

  db.test(
    'a CA refusal at submission stores the request failed with its whole trail in one transaction, or nothing',
    async ({ knex }) => {
      const { store, service, persisted } = await setup(knex);
      const submission = {
        request: newRequest('issuing', 'refusing'),
        created: {
          actor: 'user:default/alice',
          action: 'created' as const,
          outcome: 'success' as const,
        },
        csrPem: 'a CSR',
      };
      // As RequestService stores a request and its records.
      const persistWith = (audit: AuditLog) =>
        persistSubmission(
          { store, audit },
          submission.request,
          submission.created,
        );
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);

      const dying = dyingAudit(knex, 'failed').audit;
      await expect(
        service(dying).storeAndIssue(submission, persistWith(dying)),
      ).rejects.toThrow('process died');
      expect(await count('certificates_requests')).toBe(0);
      expect(await count('certificates_audit')).toBe(0);

      const audit = DatabaseAuditLog.create({ knex });
      const failed = await service(audit).storeAndIssue(
        submission,
        persistWith(audit),
      );
      expect(failed).toMatchObject({
        state: 'failed',
        failureReason: 'the CA refuses this CSR',
      });
      expect(await persisted(failed!.id)).toEqual({
        state: 'failed',
        trail: ['created', 'issuing', 'failed'],
      });
    },
  );

  db.test(
    'every issuance record is written in the transaction of its state change',
    async ({ knex }) => {
      const { store, service, persisted } = await setup(knex);
      const { audit, trxs } = dyingAudit(knex);
      const issued = await store.create(newRequest('approved'));
      const failed = await store.create(newRequest('approved', 'retired'));
      const issuance = service(audit);
      await issuance.issueApproved(issued.id);
      await issuance.issueApproved(failed.id);
      expect(trxs).toHaveLength(4);
      for (const trx of trxs)
        expect(transactionOf(trx)?.isTransaction).toBe(true);
      expectWholeTrail(await persisted(issued.id));
      expectWholeTrail(await persisted(failed.id));
      expect((await persisted(issued.id)).state).toBe('issued');
      expect((await persisted(failed.id)).state).toBe('failed');
    },
  );
});
