// @ts-check

/**
 * Revocation of a certificate issued through the portal: when and why, on
 * its request (the CA keeps its own record and the CRL).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.string('revoked_at', 32).nullable();
    table.string('revocation_reason', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropColumn('revoked_at');
    table.dropColumn('revocation_reason');
  });
};
