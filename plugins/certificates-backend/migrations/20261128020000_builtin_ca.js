// @ts-check

/**
 * The built-in CA: its key pairs (private keys encrypted at rest), the
 * certificates it issued (one per request id, so a retry returns the same
 * certificate) and their revocations.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_ca', table => {
    table.comment('Key pairs of the built-in CA; one row per CA id');
    table.string('id', 64).primary().notNullable();
    table.text('root_certificate_pem').notNullable();
    table.text('root_key_encrypted').notNullable();
    table.text('issuing_certificate_pem').notNullable();
    table.text('issuing_key_encrypted').notNullable();
    table.string('created_at', 32).notNullable();
  });
  await knex.schema.createTable('certificates_ca_issued', table => {
    table.comment('Certificates signed by the built-in CA, by request id');
    table.string('request_id', 128).primary().notNullable();
    table.string('ca_id', 64).notNullable();
    table.string('serial_number', 64).notNullable().unique();
    table.text('chain_pem').notNullable();
    table.string('public_key_sha256', 64).notNullable();
    table.string('not_before', 32).notNullable();
    table.string('not_after', 32).notNullable();
    table.string('issued_at', 32).notNullable();
    table.string('revoked_at', 32).nullable();
    table.string('revocation_reason', 64).nullable();
    table.index(['ca_id', 'revoked_at'], 'certificates_ca_issued_revoked_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_ca_issued');
  await knex.schema.dropTable('certificates_ca');
};
