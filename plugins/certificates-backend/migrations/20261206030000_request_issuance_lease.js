// @ts-check

/**
 * One lease per issuance: the backend instance issuing a request holds it
 * (owner and expiry) from before the CA is called until the request is
 * settled, so no other instance, nor the recovery sweep, issues the same
 * request while it is under way; a lease that expired (its owner died) may
 * be taken over.
 *
 * `signed_fingerprint` is the SHA-256 of the leaf the CA signed for a
 * request, recorded before the certificate is written to a cluster, so a
 * retried delivery recognises the Secret it wrote by its content, not by a
 * label anyone could set.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.string('lease_owner', 128).nullable();
    table.string('lease_expires_at', 32).nullable();
    table.string('signed_fingerprint', 64).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('lease_expires_at');
    table.dropColumn('signed_fingerprint');
  });
};
