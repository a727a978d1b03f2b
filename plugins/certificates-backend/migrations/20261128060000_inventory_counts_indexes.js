// @ts-check

/**
 * Covering indexes for the inventory's counts and timeline: with them the
 * overview's aggregates read index entries only, instead of looking up every
 * (wide) row — at 100,000 certificates ~10 ms per aggregate instead of ~300.
 * And a cluster's live rows in id order, for the pages that re-judge them
 * (without it each page sorted the whole cluster again).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['gone_at', 'status', 'cluster', 'owner_ref', 'findings'],
      'certificates_inventory_counts_idx',
    );
    table.dropIndex([], 'certificates_inventory_issuer_idx');
    table.index(['issuer', 'gone_at'], 'certificates_inventory_issuer_idx');
    table.dropIndex([], 'certificates_inventory_expiry_idx');
    table.index(
      ['gone_at', 'not_after', 'id', 'status'],
      'certificates_inventory_expiry_idx',
    );
    table.index(
      ['cluster', 'gone_at', 'id'],
      'certificates_inventory_cluster_rows_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_cluster_rows_idx');
    table.dropIndex([], 'certificates_inventory_counts_idx');
    table.dropIndex([], 'certificates_inventory_issuer_idx');
    table.index(['issuer'], 'certificates_inventory_issuer_idx');
    table.dropIndex([], 'certificates_inventory_expiry_idx');
    table.index(['gone_at', 'not_after', 'id'], 'certificates_inventory_expiry_idx');
  });
};
