import { RequestState } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import type { IssuanceLease } from './RequestStore';

const TABLE = 'certificates_requests';

/** Writes `values` to a request in issuing while `owner` holds its lease. */
async function recordUnderLease(
  knex: Knex,
  id: string,
  owner: string,
  values: Record<string, string>,
): Promise<boolean> {
  const updated = await knex(TABLE)
    .where({ id, lease_owner: owner, state: 'issuing' })
    .update(values);
  return updated > 0;
}

/** Records a fingerprint in `column` while the caller holds the lease. */
function recordFingerprint(column: string) {
  return (
    knex: Knex,
    id: string,
    owner: string,
    fingerprint: string,
  ): Promise<boolean> =>
    recordUnderLease(knex, id, owner, { [column]: fingerprint });
}

/**
 * The issuance lease's statements on the requests table, each one
 * compare-and-set on the owner so that two instances never both believe
 * they hold it. Times are ISO 8601 strings (like every time in the table),
 * which compare in time order.
 */
export const requestLeases = {
  /** Takes the lease; returns the row's `columns`, or undefined. */
  async acquire(
    knex: Knex,
    id: string,
    lease: IssuanceLease,
    options: { states: RequestState[]; now: string; columns: string[] },
  ): Promise<Record<string, unknown> | undefined> {
    const [row] = (await knex(TABLE)
      .where({ id })
      .whereIn('state', options.states)
      .where(q =>
        q
          .whereNull('lease_owner')
          .orWhere('lease_owner', lease.owner)
          .orWhere('lease_expires_at', '<', options.now),
      )
      .update(
        { lease_owner: lease.owner, lease_expires_at: lease.expiresAt },
        options.columns,
      )) as unknown as Array<Record<string, unknown>>;
    return row;
  },

  async renew(knex: Knex, id: string, lease: IssuanceLease): Promise<boolean> {
    const updated = await knex(TABLE)
      .where({ id, lease_owner: lease.owner })
      .update({ lease_expires_at: lease.expiresAt });
    return updated > 0;
  },

  async release(knex: Knex, id: string, owner: string): Promise<void> {
    await knex(TABLE)
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  },

  recordSigned: recordFingerprint('signed_fingerprint'),

  recordPendingKey: recordFingerprint('pending_key_fingerprint'),

  /** Narrows a query to requests whose lease is free at `at`. */
  whereFree(query: Knex.QueryBuilder, at: string): void {
    query.where(q =>
      q.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', at),
    );
  },

  /**
   * Narrows an update to the lease's owner; returns the columns that
   * release the lease with it.
   */
  settleUnder(query: Knex.QueryBuilder, owner: string) {
    query.where('lease_owner', owner);
    return { lease_owner: null, lease_expires_at: null };
  },
};
