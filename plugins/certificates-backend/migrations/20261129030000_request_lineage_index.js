// @ts-check

/**
 * Renewals find the other requests of their lineage (`renewal_of`): whether
 * one is under way before a renewal is made, and whether a request is still
 * the newest of its lineage for automatic renewal.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.index(['renewal_of', 'state'], 'certificates_requests_renewal_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropIndex([], 'certificates_requests_renewal_idx');
  });
};
