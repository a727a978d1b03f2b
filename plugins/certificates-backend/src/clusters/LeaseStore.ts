import { Knex } from 'knex';
import { isPostgres } from '../database/postgres';

const LEASES = 'certificates_leases';
const REPLICAS = 'certificates_replicas';

/** What a lease is for: a cluster's watch, or a duty done once globally. */
export type LeaseKind = 'cluster' | 'global';

export interface Lease {
  kind: LeaseKind;
  name: string;
  owner: string;
  expiresAt: string;
}

/** Leases and replica heartbeats shared by every replica through the database. */
export interface LeaseStore {
  /**
   * Takes the lease when it is free, expired at `now`, or already the
   * owner's; among concurrent callers exactly one gets true.
   */
  acquire(lease: Lease, now: string): Promise<boolean>;
  /** Extends the owner's lease; false when another replica holds it now. */
  renew(lease: Lease): Promise<boolean>;
  release(kind: LeaseKind, name: string, owner: string): Promise<void>;
  list(kind: LeaseKind): Promise<Lease[]>;
  /** Records that `replica` lives until `expiresAt`; returns the live replicas. */
  heartbeat(replica: string, expiresAt: string, now: string): Promise<string[]>;
  leave(replica: string): Promise<void>;
  /**
   * The time every replica compares leases with: the database's clock, so
   * that replicas whose own clocks drift apart never see a live lease as
   * expired (or a dead one as live).
   */
  now(): Promise<Date>;
}

/** Times are ISO strings: they compare the same on SQLite and PostgreSQL. */
export class DatabaseLeaseStore implements LeaseStore {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): DatabaseLeaseStore {
    return new DatabaseLeaseStore(options.knex);
  }

  async acquire(lease: Lease, now: string): Promise<boolean> {
    const { kind, name, owner, expiresAt } = lease;
    // A compare-and-set on the existing row, else an insert that loses to
    // any concurrent insert: one statement each, so one caller wins.
    const updated = await this.knex(LEASES)
      .where({ kind, name })
      .andWhere(q => q.where('owner', owner).orWhere('expires_at', '<', now))
      .update({ owner, expires_at: expiresAt });
    if (updated > 0) return true;
    await this.knex(LEASES)
      .insert({ kind, name, owner, expires_at: expiresAt })
      .onConflict(['kind', 'name'])
      .ignore();
    const row = await this.knex(LEASES).where({ kind, name }).first('owner');
    return row?.owner === owner;
  }

  async renew(lease: Lease): Promise<boolean> {
    const { kind, name, owner, expiresAt } = lease;
    const updated = await this.knex(LEASES)
      .where({ kind, name, owner })
      .update({ expires_at: expiresAt });
    return updated > 0;
  }

  async release(kind: LeaseKind, name: string, owner: string): Promise<void> {
    await this.knex(LEASES).where({ kind, name, owner }).delete();
  }

  async list(kind: LeaseKind): Promise<Lease[]> {
    const rows = await this.knex(LEASES).where({ kind }).orderBy('name');
    return rows.map(r => ({
      kind: r.kind,
      name: r.name,
      owner: r.owner,
      expiresAt: r.expires_at,
    }));
  }

  async heartbeat(
    replica: string,
    expiresAt: string,
    now: string,
  ): Promise<string[]> {
    await this.knex(REPLICAS)
      .insert({ id: replica, expires_at: expiresAt })
      .onConflict('id')
      .merge(['expires_at']);
    await this.knex(REPLICAS).where('expires_at', '<', now).delete();
    const rows = await this.knex(REPLICAS)
      .where('expires_at', '>=', now)
      .orderBy('id')
      .select('id');
    return rows.map(r => r.id);
  }

  async leave(replica: string): Promise<void> {
    await this.knex(REPLICAS).where({ id: replica }).delete();
  }

  async now(): Promise<Date> {
    // Embedded SQLite runs on this host: its clock is this process's.
    if (!isPostgres(this.knex)) return new Date();
    const { rows } = await this.knex.raw('select now() as "now"');
    return new Date(rows[0].now);
  }
}
