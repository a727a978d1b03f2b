// @ts-check

/**
 * Certificate requests. What was submitted never changes after insert; only
 * the state, decision and result columns are updated.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_requests', table => {
    table.comment('Certificate requests submitted through the portal');
    table.string('id', 64).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('requester', 255).notNullable();
    table.string('owner_ref', 255).nullable();
    table.string('policy_name', 255).notNullable();
    table.integer('approvals_required').notNullable();
    table.text('approvers').notNullable();
    table.string('common_name', 255).nullable();
    table.text('dns_names').notNullable();
    table.text('ip_addresses').notNullable();
    table.text('uris').notNullable();
    table.string('key_algorithm', 16).notNullable();
    table.integer('validity_days').notNullable();
    table.string('issuer', 128).notNullable();
    table.boolean('client_auth').notNullable();
    table.text('justification').nullable();
    table.string('delivery_kind', 16).notNullable();
    table.string('delivery_cluster', 255).nullable();
    table.string('delivery_namespace', 63).nullable();
    table.string('delivery_secret_name', 253).nullable();
    table.text('csr_pem').nullable();
    table.string('csr_fingerprint', 64).nullable();
    table.string('renewal_of', 64).nullable();
    table.text('in_cluster').nullable();
    table.string('created_at', 32).notNullable();
    // State, decision and result: the only columns that change.
    table.string('state', 16).notNullable();
    table.text('pending_reason').nullable();
    table.text('decisions').notNullable();
    table.text('failure_reason').nullable();
    table.string('certificate_id', 64).nullable();
    table.string('serial_number', 64).nullable();
    table.string('not_after', 32).nullable();
    table.text('chain_pem').nullable();
    table.string('updated_at', 32).notNullable();
    table.index(['entity_ref'], 'certificates_requests_entity_idx');
    table.index(['state', 'updated_at'], 'certificates_requests_state_idx');
    table.index(['requester'], 'certificates_requests_requester_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_requests');
};
