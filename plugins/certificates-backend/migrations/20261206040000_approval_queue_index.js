// @ts-check

/**
 * The approvers' queue reads pending requests in keyset pages by
 * (created_at, id) and counts them for the badge: an index in that order
 * serves both without sorting the pending set on each call.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.index(['state', 'created_at', 'id'], 'certificates_requests_queue_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropIndex([], 'certificates_requests_queue_idx');
  });
};
