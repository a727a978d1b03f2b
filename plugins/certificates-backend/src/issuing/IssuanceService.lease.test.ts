import { mockServices } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateIssuer,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';
import {
  createTestCa,
  describeDatabases,
  deferred,
  newRequest,
  paymentsCsrOnce,
  sleep,
} from '../__testUtils__';
import { DatabaseAuditLog } from '../audit';
import { DatabaseRequestStore } from '../requests';
import { IssuanceService } from './IssuanceService';
import { IssuerRegistry } from './IssuerRegistry';
import { issuanceNoops } from './__testUtils__/issuanceNoops';

/**
 * Several backend instances on one database: each its own store, issuance
 * service, lease owner, and CA object over the shared CA tables.
 */
describeDatabases('IssuanceService: one lease per issuance', db => {
  const csr = paymentsCsrOnce();

  /**
   * One instance. Its issuer signs through the built-in CA after `before`
   * (a slow CA, or one that never answers), outside a database
   * transaction, as a module issuer (ACME) does; with `groupCommit` the
   * built-in CA itself issues, inside the transaction that records it.
   */
  async function instance(
    knex: Knex,
    options: {
      leaseMs?: number;
      before?: () => Promise<void>;
      groupCommit?: boolean;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    const ca = await createTestCa(knex, { logger });
    const signer: CertificateIssuer & { issue: jest.Mock } = {
      id: 'builtin',
      info: () => ca.info(),
      issue: jest.fn(async (r: IssueRequest) => {
        await options.before?.();
        return ca.issue(r);
      }),
    };
    const store = DatabaseRequestStore.create({ knex });
    const issuance = IssuanceService.create({
      ...issuanceNoops,
      store,
      issuers: IssuerRegistry.create({
        issuers: [options.groupCommit ? ca : signer],
      }),
      logger,
      audit: DatabaseAuditLog.create({ knex }),
      leaseMs: options.leaseMs ?? 600,
    });
    return { store, issuance, signer, ca };
  }

  const leasable = (state: 'issuing' | 'approved') =>
    newRequest({ requesterIsOwner: true, csrPem: csr.pem, state });

  /** What the database says happened to a request. */
  async function outcome(knex: Knex, request: CertificateRequest) {
    const row = await knex('certificates_requests')
      .where({ id: request.id })
      .first();
    const trail = await knex('certificates_audit')
      .where({ request_id: request.id })
      .orderBy('seq');
    return {
      state: row.state as string,
      serialNumber: row.serial_number as string | null,
      lease: [row.lease_owner, row.lease_expires_at],
      caRecords: (
        await knex('certificates_ca_issued').where({ request_id: request.id })
      ).length,
      actions: trail.map(r => r.action as string),
    };
  }

  db.test(
    'an auto-approved issuance that is slow is not issued again by the sweep of another instance',
    async ({ knex }) => {
      const slow = deferred();
      const a = await instance(knex, { before: () => slow.promise });
      const b = await instance(knex);
      // Stored in issuing at submission, as RequestService does for an
      // auto-approved request it does not issue in one transaction.
      const request = await a.store.create(leasable('issuing'));
      const issuing = a.issuance.issue(request, {
        policyJustChecked: true,
        csrPem: csr.pem,
      });

      // Three lease lengths and more: A renews its lease, B's sweeps (which
      // take every request unchanged for 0 ms) leave the request alone.
      let handled = 0;
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        handled += await b.issuance.resume({ stuckAfterMs: 0 });
        await sleep(100);
      }
      expect(handled).toBe(0);
      expect(b.signer.issue).not.toHaveBeenCalled();
      expect((await outcome(knex, request)).state).toBe('issuing');

      slow.resolve();
      const done = await issuing;
      expect(done.state).toBe('issued');
      expect(a.signer.issue).toHaveBeenCalledTimes(1);
      expect(await outcome(knex, request)).toEqual({
        state: 'issued',
        serialNumber: done.serialNumber,
        // Released with the outcome.
        lease: [null, null],
        caRecords: 1,
        actions: ['issued'],
      });
      expect(await b.issuance.resume({ stuckAfterMs: 0 })).toBe(0);
    },
  );

  db.test(
    'the lease of an owner that died is taken over once it expired; the request is issued once and the old owner settles nothing',
    async ({ knex }) => {
      const frozen = deferred();
      const a = await instance(knex, {
        leaseMs: 500,
        before: () => frozen.promise,
      });
      // A died: it renews nothing any more.
      jest.spyOn(a.store, 'renewLease').mockResolvedValue(true);
      const b = await instance(knex, { leaseMs: 500 });
      const request = await a.store.create(leasable('issuing'));
      const dead = a.issuance.issue(request, {
        policyJustChecked: true,
        csrPem: csr.pem,
      });
      while (a.signer.issue.mock.calls.length === 0) await sleep(10);

      // Its lease has not expired yet: nobody else may issue.
      expect(await b.issuance.resume({ stuckAfterMs: 0 })).toBe(0);
      expect(await b.issuance.issueApproved(request.id)).toMatchObject({
        state: 'issuing',
      });
      expect(b.signer.issue).not.toHaveBeenCalled();

      await sleep(700);
      expect(await b.issuance.resume({ stuckAfterMs: 0 })).toBe(1);
      const issued = await b.store.get(request.id);
      expect(issued).toMatchObject({ state: 'issued' });
      expect(b.signer.issue).toHaveBeenCalledTimes(1);

      // The old owner comes back with a failure: it no longer holds the
      // lease, so the request stays issued and nothing more is recorded.
      frozen.reject(new Error('CA connection reset'));
      expect(await dead).toMatchObject({
        state: 'issued',
        serialNumber: issued!.serialNumber,
      });
      expect(await outcome(knex, request)).toEqual({
        state: 'issued',
        serialNumber: issued!.serialNumber,
        lease: [null, null],
        caRecords: 1,
        actions: ['issued'],
      });
    },
  );

  db.test(
    'two instances issuing the same approved request at once: one takes the lease and signs, once',
    async ({ knex }) => {
      const slow = deferred();
      const a = await instance(knex, { before: () => slow.promise });
      const b = await instance(knex, { before: () => slow.promise });
      const request = await a.store.create(leasable('approved'));
      const runs = [
        a.issuance.issueApproved(request.id),
        b.issuance.issueApproved(request.id),
        a.issuance.resume({ stuckAfterMs: 0 }),
        b.issuance.resume({ stuckAfterMs: 0 }),
      ];
      await sleep(300);
      slow.resolve();
      await Promise.all(runs);
      expect(
        a.signer.issue.mock.calls.length + b.signer.issue.mock.calls.length,
      ).toBe(1);
      expect(await outcome(knex, request)).toMatchObject({
        state: 'issued',
        lease: [null, null],
        caRecords: 1,
        actions: ['issuing', 'issued'],
      });
    },
  );

  db.test(
    'an auto-approved CSR request issued in a group commit needs no lease: no lease statement, nothing left for a sweep',
    async ({ knex }) => {
      const { issuance } = await instance(knex, { groupCommit: true });
      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', onQuery);
      const persist = jest.fn();
      const issued = await Promise.all(
        Array.from({ length: 16 }, () =>
          issuance.storeAndIssue(
            {
              request: leasable('issuing'),
              created: {
                actor: 'user:default/alice',
                action: 'created',
                outcome: 'success',
              },
              csrPem: csr.pem,
            },
            persist,
          ),
        ),
      );
      knex.off('query', onQuery);
      expect(persist).not.toHaveBeenCalled();
      expect(issued.map(r => r?.state)).toEqual(Array(16).fill('issued'));
      expect(statements.filter(sql => /lease/i.test(sql))).toEqual([]);
      const rows = await knex('certificates_requests').select(
        'state',
        'lease_owner',
      );
      expect(rows).toEqual(
        Array(16).fill({ state: 'issued', lease_owner: null }),
      );
      expect(await issuance.resume({ stuckAfterMs: 0 })).toBe(0);
    },
  );
});
