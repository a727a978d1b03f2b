import { Knex } from 'knex';
import {
  REQUEST_TRANSITIONS,
  RequestState,
} from '@kubecerts/backstage-plugin-certificates-common';
import { pendingRequest } from '../approvals/__testUtils__/TableRequests';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { databaseSuite } from '../__testUtils__';

const db = databaseSuite();

const ALLOWED = (
  Object.entries(REQUEST_TRANSITIONS) as Array<[RequestState, RequestState[]]>
).flatMap(([from, tos]) => tos.map(to => [from, to] as const));

async function setup(knex: Knex) {
  const store = DatabaseRequestStore.create({
    knex,
    now: () => new Date('2026-12-06T10:00:00.000Z'),
  });
  const add = async (id: string, state: RequestState) => {
    const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
      id,
      state,
    });
    await store.create(request);
  };
  const snapshot = () =>
    knex('certificates_requests')
      .orderBy('id')
      .select('id', 'state', 'updated_at', 'failure_reason', 'decisions');
  let queries = 0;
  knex.on('query', () => {
    queries += 1;
  });
  return { store, add, snapshot, queries: () => queries };
}

/**
 * A store holding one request per `id: state`. `expectUnchanged` checks the
 * rows are as they were then, and (unless `queried`) that nothing was asked
 * of the database since.
 */
async function holding(knex: Knex, requests: Record<string, RequestState>) {
  const { store, add, snapshot, queries } = await setup(knex);
  for (const [id, state] of Object.entries(requests)) await add(id, state);
  const before = await snapshot();
  const queriesBefore = queries();
  return {
    store,
    queriesBefore,
    expectUnchanged: async (options: { queried: boolean }) => {
      if (!options.queried) expect(queries()).toBe(queriesBefore);
      expect(await snapshot()).toEqual(before);
    },
  };
}

describe('DatabaseRequestStore.transition', () => {
  db.test('makes every move the rules allow', async ({ knex }) => {
    const { store, add } = await setup(knex);
    for (const [from, to] of ALLOWED) {
      const id = `r-${from}-${to}`;
      await add(id, from);
      const moved = await store.transition(id, [from], to, {});
      expect(moved?.state).toBe(to);
      expect((await store.get(id))?.state).toBe(to);
    }
  });

  db.test(
    'refuses a move out of a final state before touching the database',
    async ({ knex }) => {
      const { store, queriesBefore, expectUnchanged } = await holding(knex, {
        issued: 'issued',
        denied: 'denied',
        cancelled: 'cancelled',
        failed: 'failed',
      });
      expect(queriesBefore).toBeGreaterThan(0);

      const attempts: Array<[string, RequestState, RequestState]> = [
        ['issued', 'issued', 'pending'],
        ['issued', 'issued', 'failed'],
        ['denied', 'denied', 'approved'],
        ['cancelled', 'cancelled', 'pending'],
        ['failed', 'failed', 'issuing'],
        ['failed', 'failed', 'approved'],
      ];
      for (const [id, from, to] of attempts) {
        await expect(store.transition(id, [from], to, {})).rejects.toThrow(
          `no transition from ${from} to ${to}`,
        );
      }

      await expectUnchanged({ queried: false });
    },
  );

  db.test(
    'refuses a compare-and-set whose states include a forbidden one, even when the request is in an allowed one',
    async ({ knex }) => {
      const { store, expectUnchanged } = await holding(knex, {
        p: 'pending',
        a: 'approved',
      });

      await expect(
        store.transition('p', ['pending', 'issued'], 'cancelled', {}),
      ).rejects.toThrow('no transition from issued to cancelled');
      // Skipping approval: pending never goes straight to issuing.
      await expect(
        store.transition('p', ['pending', 'approved'], 'issuing', {}),
      ).rejects.toThrow('no transition from pending to issuing');
      await expect(
        store.transition('a', ['approved'], 'issued', { serialNumber: '01' }),
      ).rejects.toThrow('no transition from approved to issued');

      await expectUnchanged({ queried: false });
    },
  );

  db.test(
    'moves nothing when the request is in none of the allowed states',
    async ({ knex }) => {
      const { store, expectUnchanged } = await holding(knex, {
        c: 'cancelled',
        i: 'issued',
      });

      expect(await store.transition('c', ['pending'], 'approved', {})).toBe(
        undefined,
      );
      expect(
        await store.transition('i', ['issuing', 'approved'], 'failed', {
          failureReason: 'late',
        }),
      ).toBe(undefined);

      await expectUnchanged({ queried: true });
    },
  );
});
