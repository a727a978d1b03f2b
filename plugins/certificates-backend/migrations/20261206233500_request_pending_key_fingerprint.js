// @ts-check

/**
 * `pending_key_fingerprint` is the SHA-256 of the public key of the key the
 * portal generated for a Secret delivery, recorded before that key is
 * written to the cluster (in a pending-key Secret). A resumed delivery uses
 * a pending-key Secret's key only when its public key is this one: anyone
 * who can write Secrets in the namespace could write one with the label.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.string('pending_key_fingerprint', 64).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropColumn('pending_key_fingerprint');
  });
};
