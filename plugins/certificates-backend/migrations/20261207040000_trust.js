// @ts-check

/**
 * The root of trust, managed in the portal.
 *
 * `certificates_trust_roots`: every root ever approved, by SHA-256
 * fingerprint. A removed root keeps its row with `removed_at` set, so the
 * roots seeded from config at start are not added back after someone
 * removed them through an approved change.
 *
 * `certificates_trust_changes` / `_decisions`: requests to add or remove a
 * root and the approvals they collected; one decision per person and
 * change (the unique key), so one person counts once.
 *
 * `certificates_trust_targets`: what the portal wrote where (cluster,
 * namespace, kind). `uid` is the object the portal created: only that
 * object is ever overwritten. Times are ISO 8601 UTC strings.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_trust_roots', table => {
    table.comment('Approved roots of trust, current and removed');
    table.string('fingerprint', 128).primary().notNullable();
    table.text('pem').notNullable();
    table.string('subject', 1024).notNullable();
    table.string('not_after', 32).notNullable();
    table.string('source', 16).notNullable();
    table.string('added_at', 32).notNullable();
    table.string('added_by', 255).notNullable();
    table.string('removed_at', 32).nullable();
    // Keeps the configured order of roots seeded at the same instant.
    table.integer('position').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('certificates_trust_changes', table => {
    table.comment('Requests to add or remove an approved root');
    table.string('id', 64).primary().notNullable();
    table.string('action', 16).notNullable();
    table.string('fingerprint', 128).notNullable();
    table.string('subject', 1024).notNullable();
    table.text('pem').nullable();
    table.string('requester', 255).notNullable();
    table.text('reason').notNullable();
    table.string('state', 16).notNullable();
    table.integer('required').notNullable();
    table.string('created_at', 32).notNullable();
    table.string('decided_at', 32).nullable();
    table.index(['state'], 'certificates_trust_changes_state_idx');
  });
  await knex.schema.createTable('certificates_trust_decisions', table => {
    table.comment('Approvals and denials of root changes');
    table.string('change_id', 64).notNullable();
    table.string('actor', 255).notNullable();
    table.string('decision', 16).notNullable();
    table.text('reason').nullable();
    table.string('at', 32).notNullable();
    table.primary(['change_id', 'actor']);
  });
  await knex.schema.createTable('certificates_trust_targets', table => {
    table.comment('Where the trust bundle is distributed, and its state there');
    table.string('cluster', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('kind', 32).notNullable();
    table.string('name', 253).notNullable();
    table.string('uid', 128).nullable();
    table.string('written_hash', 128).nullable();
    table.string('state', 16).notNullable();
    table.text('detail').nullable();
    table.string('checked_at', 32).notNullable();
    table.primary(['cluster', 'namespace', 'kind', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_trust_targets');
  await knex.schema.dropTable('certificates_trust_decisions');
  await knex.schema.dropTable('certificates_trust_changes');
  await knex.schema.dropTable('certificates_trust_roots');
};
