// @ts-check

/**
 * Where a row's certificate is: `cluster` (a TLS Secret discovery found) or
 * `portal` (a certificate issued to a CSR, in no cluster). The portal's rows
 * were stored under a cluster named 'portal'; they now have no cluster (an
 * empty one, which keeps the not-null column and its unique index as they
 * are). Their ids stay as they were: requests point at them.
 *
 * The location joins the expiry index, as the cluster did, so that a list
 * filtered by location skips other rows without reading them, and the
 * counts index, so that the counts by location read index entries only.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.string('location', 16).notNullable().defaultTo('cluster');
  });
  await knex('certificates_inventory')
    .where({ cluster: 'portal' })
    .update({ location: 'portal', cluster: '' });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_expiry_idx');
    table.dropIndex([], 'certificates_inventory_counts_idx');
  });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['gone_at', 'not_after', 'id', 'status', 'cluster', 'location'],
      'certificates_inventory_expiry_idx',
    );
    table.index(
      ['gone_at', 'status', 'cluster', 'owner_ref', 'findings', 'location'],
      'certificates_inventory_counts_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_expiry_idx');
    table.dropIndex([], 'certificates_inventory_counts_idx');
  });
  await knex('certificates_inventory')
    .where({ location: 'portal' })
    .update({ cluster: 'portal' });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropColumn('location');
  });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['gone_at', 'not_after', 'id', 'status', 'cluster'],
      'certificates_inventory_expiry_idx',
    );
    table.index(
      ['gone_at', 'status', 'cluster', 'owner_ref', 'findings'],
      'certificates_inventory_counts_idx',
    );
  });
};
