import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { runInUnitOfWork } from '../database';
import { DatabaseAuditLog } from './DatabaseAuditLog';
import { describeDatabases } from '../__testUtils__';

describeDatabases('DatabaseAuditLog', db => {
  async function setup(knex: Knex) {
    const auditor = mockServices.auditor.mock();
    const success = jest.fn();
    const fail = jest.fn();
    auditor.createEvent.mockResolvedValue({ success, fail });
    const log = DatabaseAuditLog.create({ knex, auditor });
    return { knex, log, auditor, success, fail };
  }

  db.test(
    'records, lists newest first, filters and pages',
    async ({ knex }) => {
      const { log } = await setup(knex);
      const first = await log.record({
        actor: 'user:default/alice',
        action: 'created',
        requestId: 'r1',
        entityRef: 'component:default/payments',
        outcome: 'success',
        at: '2026-11-01T10:00:00.000Z',
      });
      expect(first).toEqual({
        id: expect.any(String),
        at: '2026-11-01T10:00:00.000Z',
        actor: 'user:default/alice',
        action: 'created',
        requestId: 'r1',
        entityRef: 'component:default/payments',
        outcome: 'success',
      });
      await log.record({
        actor: 'user:default/sec',
        action: 'approved',
        requestId: 'r1',
        entityRef: 'component:default/payments',
        outcome: 'success',
        at: '2026-11-02T10:00:00.000Z',
      });
      await log.record({
        actor: 'user:default/bob',
        action: 'created',
        requestId: 'r2',
        entityRef: 'component:default/orders',
        outcome: 'success',
        at: '2026-11-03T10:00:00+01:00',
      });

      const all = await log.list({});
      expect(all.items.map(i => i.requestId)).toEqual(['r2', 'r1', 'r1']);
      expect(all.items[0].at).toBe('2026-11-03T09:00:00.000Z');
      expect(all.nextCursor).toBeUndefined();

      expect((await log.list({ requestId: 'r1' })).items).toHaveLength(2);
      expect((await log.list({ actor: 'user:default/sec' })).items).toEqual([
        expect.objectContaining({ action: 'approved' }),
      ]);
      expect(
        (await log.list({ entityRef: 'component:default/orders' })).items,
      ).toHaveLength(1);
      expect((await log.list({ action: 'created' })).items).toHaveLength(2);
      expect(
        (await log.list({ action: ['created', 'approved'] })).items,
      ).toHaveLength(3);
      expect(
        (
          await log.list({
            from: '2026-11-02T00:00:00Z',
            to: '2026-11-03T00:00:00Z',
          })
        ).items.map(i => i.action),
      ).toEqual(['approved']);

      const page1 = await log.list({ limit: 2 });
      expect(page1.items).toHaveLength(2);
      expect(page1.nextCursor).toBeDefined();
      const page2 = await log.list({ limit: 2, cursor: page1.nextCursor });
      expect(page2.items.map(i => i.id)).toEqual([first.id]);
      expect(page2.nextCursor).toBeUndefined();
    },
  );

  db.test(
    'commits and rolls back with the caller transaction',
    async ({ knex }) => {
      const { log, auditor, success } = await setup(knex);
      await expect(
        runInUnitOfWork(knex, async trx => {
          await log.record(
            {
              actor: 'user:default/a',
              action: 'approved',
              requestId: 'x',
              outcome: 'success',
            },
            trx,
          );
          throw new Error('state change failed');
        }),
      ).rejects.toThrow('state change failed');
      expect((await log.list({})).items).toEqual([]);

      await runInUnitOfWork(knex, async trx => {
        await log.record(
          {
            actor: 'user:default/a',
            action: 'approved',
            requestId: 'y',
            outcome: 'success',
          },
          trx,
        );
      });
      expect((await log.list({})).items.map(i => i.requestId)).toEqual(['y']);
      // Let the commit callback run.
      await new Promise(resolve => setImmediate(resolve));
      expect(auditor.createEvent).toHaveBeenCalledTimes(1);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'request-approved',
          meta: expect.objectContaining({
            requestId: 'y',
            actor: 'user:default/a',
          }),
        }),
      );
      expect(success).toHaveBeenCalledTimes(1);
    },
  );

  db.test(
    'reports failures as failed auditor events and never stores a private key',
    async ({ knex }) => {
      const { log, fail } = await setup(knex);
      const record = await log.record({
        actor: 'system',
        action: 'failed',
        requestId: 'r9',
        outcome: 'failure',
        detail:
          'CA said no; payload was -----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY----- end',
      });
      expect(record.detail).toBe(
        'CA said no; payload was [redacted private key] end',
      );
      const [stored] = (await log.list({ requestId: 'r9' })).items;
      expect(stored.detail).not.toContain('MIIEv');
      expect(fail).toHaveBeenCalledTimes(1);
    },
  );

  db.test('rejects bad filters', async ({ knex }) => {
    const { log } = await setup(knex);
    await expect(log.list({ cursor: 'nonsense' })).rejects.toThrow(
      'Invalid cursor',
    );
    await expect(log.list({ from: 'yesterday' })).rejects.toThrow(
      /not a valid/,
    );
  });

  it('offers no way to change or delete records', () => {
    const proto = Object.getOwnPropertyNames(DatabaseAuditLog.prototype);
    expect(proto.sort()).toEqual([
      'constructor',
      'forward',
      'forwardAfter',
      'list',
      'record',
      'recordMany',
    ]);
  });
});
