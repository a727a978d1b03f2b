// @ts-check

/**
 * The ACME issuers' state, shared by every replica: the account key (only
 * when generated, not configured; encrypted with
 * certificates.builtinCa.encryptionKey, never in clear) and the order placed
 * per request, so a retry on any replica continues the same order.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_acme_accounts', table => {
    table.comment('Generated ACME account keys, encrypted, one per issuer');
    table.string('issuer_id', 128).primary().notNullable();
    table.text('account_key_encrypted').notNullable();
    table.string('created_at', 32).notNullable();
  });
  await knex.schema.createTable('certificates_acme_orders', table => {
    table.comment('The ACME order placed for each certificate request');
    table.string('issuer_id', 128).notNullable();
    table.string('request_id', 128).notNullable();
    table.text('order_url').notNullable();
    table.string('csr_sha256', 64).notNullable();
    table.string('created_at', 32).notNullable();
    table.primary(['issuer_id', 'request_id']);
    table.index(['created_at'], 'certificates_acme_orders_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_acme_orders');
  await knex.schema.dropTable('certificates_acme_accounts');
};
