// @ts-check

/**
 * The TLS endpoints the scanner knows, one per host:port, beside their
 * inventory rows (location `endpoint`, same id): when each was last
 * reached, the address its name resolved to and why the last scan failed.
 * The inventory row keeps the last chain served, so these times say how
 * old that chain is.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_endpoints', table => {
    table.string('id', 64).primary().notNullable();
    table.string('host', 255).notNullable();
    table.integer('port').notNullable();
    table.string('source', 16).notNullable();
    table.text('origin').notNullable();
    table.string('resolved_address', 64).nullable();
    table.string('last_attempt_at', 32).notNullable();
    table.string('last_seen_at', 32).nullable();
    table.text('last_error').nullable();
    table.integer('last_duration_ms').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_endpoints');
};
