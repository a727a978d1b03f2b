// @ts-check

/**
 * Decisions taken in the portal on in-cluster cert-manager
 * CertificateRequests, with what the approver saw, for "decided by me".
 * The cluster holds the decision itself (the Approved / Denied condition);
 * this is the approver's record of it. Rows are only ever inserted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_incluster_decisions', table => {
    table.comment('Portal decisions on in-cluster cert-manager CertificateRequests');
    table.bigIncrements('seq').primary();
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    // Lower-cased actor: entity refs are case-insensitive.
    table.string('actor_key', 255).notNullable();
    table.string('actor', 255).notNullable();
    table.string('decision', 16).notNullable();
    table.text('reason').nullable();
    table.string('at', 32).notNullable();
    // The queue row as the approver saw it (names, issuer, owner, requester), JSON.
    table.text('request').notNullable();
    table.index(['actor_key', 'seq'], 'certificates_incluster_decisions_actor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_incluster_decisions');
};
