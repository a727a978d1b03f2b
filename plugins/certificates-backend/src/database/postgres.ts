import { Knex } from 'knex';

/** The database is PostgreSQL (knex's `pg` client). */
export function isPostgres(knex: Knex): boolean {
  return knex.client.dialect === 'postgresql';
}
