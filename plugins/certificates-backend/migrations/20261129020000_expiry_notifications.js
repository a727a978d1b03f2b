// @ts-check

/**
 * Expiry notices already sent: one row per certificate, leaf fingerprint and
 * threshold (0 = expired), claimed before sending so that each is sent once
 * across runs, restarts and backend instances. A renewed certificate has a
 * new fingerprint and so is notified again. Rows are pruned by `at` once
 * their certificate can no longer be due.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_expiry_notices', table => {
    table.comment(
      'Expiry notices sent, once per certificate, fingerprint and threshold',
    );
    table.string('certificate_id', 64).notNullable();
    table.string('fingerprint_sha256', 64).notNullable();
    table.integer('threshold_days').notNullable();
    table.string('at', 32).notNullable();
    table.primary(['certificate_id', 'fingerprint_sha256', 'threshold_days']);
    table.index(['at'], 'certificates_expiry_notices_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_expiry_notices');
};
