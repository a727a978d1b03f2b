// @ts-check

/**
 * At most one renewal of a lineage under way at a time, whichever backend
 * instance makes it: a unique index over `renewal_of` for the open states
 * (partial indexes, on PostgreSQL and SQLite alike).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    `CREATE UNIQUE INDEX certificates_requests_one_open_renewal
       ON certificates_requests (renewal_of)
       WHERE renewal_of IS NOT NULL AND state IN ('pending', 'approved', 'issuing')`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX certificates_requests_one_open_renewal');
};
