// @ts-check

/**
 * Approval decisions (one per person and request), a per-request row that
 * serialises concurrent decisions, and the notifications already sent (so
 * that each request event notifies once).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_approval_decisions', table => {
    table.comment('Approve/deny decisions; one person decides a request once');
    table.bigIncrements('seq').primary();
    table.string('request_id', 64).notNullable();
    table.string('actor', 255).notNullable();
    // Lower-cased actor: entity refs are case-insensitive.
    table.string('actor_key', 255).notNullable();
    table.string('decision', 16).notNullable();
    table.text('reason').nullable();
    table.string('at', 32).notNullable();
    table.unique(['request_id', 'actor_key'], {
      indexName: 'certificates_approval_decisions_once_uq',
    });
    table.index(['actor_key'], 'certificates_approval_decisions_actor_idx');
  });
  await knex.schema.createTable('certificates_approval_locks', table => {
    table.comment('One row per decided request; updating it serialises decisions');
    table.string('request_id', 64).primary();
    table.integer('decisions').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('certificates_notifications_sent', table => {
    table.comment('Request events already notified, so each is sent once');
    table.string('request_id', 128).notNullable();
    table.string('event', 32).notNullable();
    table.string('at', 32).notNullable();
    table.primary(['request_id', 'event']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_notifications_sent');
  await knex.schema.dropTable('certificates_approval_locks');
  await knex.schema.dropTable('certificates_approval_decisions');
};
