// @ts-check

/**
 * Append-only audit trail of every state change of requests and
 * certificates. Rows are never updated or deleted by the plugin.
 *
 * `at` is an ISO 8601 UTC string (fixed width, so text order is time order on
 * every database); `seq` orders rows that share an instant and is the cursor.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_audit', table => {
    table.comment('Append-only audit trail of the certificates plugin');
    table.bigIncrements('seq').primary();
    table.string('at', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('request_id', 64).nullable();
    table.string('certificate_id', 128).nullable();
    table.string('entity_ref', 255).nullable();
    table.string('outcome', 16).notNullable();
    table.text('detail').nullable();
    table.index(['at'], 'certificates_audit_at_idx');
    table.index(['request_id'], 'certificates_audit_request_idx');
    table.index(['entity_ref'], 'certificates_audit_entity_idx');
    table.index(['actor'], 'certificates_audit_actor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_audit');
};
