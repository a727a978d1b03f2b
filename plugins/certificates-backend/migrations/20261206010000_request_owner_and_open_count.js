// @ts-check

/**
 * Whether the requester belonged to the entity's owner when submitting: only
 * owners' requests are approved automatically, and approvers see the others
 * as requested by a non-owner. Requests stored before are unknown (null), so
 * that approvers are not told that an owner's earlier request is a
 * non-owner's.
 *
 * Each submission counts the requester's open requests (the per-user cap):
 * an index on (requester, state) answers that; it also serves every lookup
 * the index on requester alone did, so that one goes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.boolean('requester_is_owner').nullable();
  });
  await knex.schema.alterTable('certificates_requests', table => {
    table.index(
      ['requester', 'state'],
      'certificates_requests_requester_state_idx',
    );
    table.dropIndex([], 'certificates_requests_requester_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.index(['requester'], 'certificates_requests_requester_idx');
    table.dropIndex([], 'certificates_requests_requester_state_idx');
  });
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropColumn('requester_is_owner');
  });
};
