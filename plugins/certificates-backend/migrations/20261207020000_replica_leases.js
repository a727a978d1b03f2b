// @ts-check

/**
 * Work that exactly one backend replica may do at a time: watching a
 * cluster (kind `cluster`, name = the cluster) or a global duty (kind
 * `global`, e.g. reporting the inventory gauges). The owner renews the
 * lease while it works; a lease whose `expires_at` passed (its owner died)
 * may be taken by another replica. Times are ISO 8601 UTC strings, which
 * sort as they compare on both databases.
 *
 * `certificates_replicas` holds one heartbeat per live replica, so a
 * replica knows how many share the clusters and takes only its part.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_leases', table => {
    table.comment('One holder per cluster watch or global duty');
    table.string('kind', 32).notNullable();
    table.string('name', 253).notNullable();
    table.string('owner', 128).notNullable();
    table.string('expires_at', 32).notNullable();
    table.primary(['kind', 'name']);
  });
  await knex.schema.createTable('certificates_replicas', table => {
    table.comment('Heartbeats of the live backend replicas');
    table.string('id', 128).primary().notNullable();
    table.string('expires_at', 32).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_replicas');
  await knex.schema.dropTable('certificates_leases');
};
