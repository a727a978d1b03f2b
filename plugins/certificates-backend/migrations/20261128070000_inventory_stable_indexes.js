// @ts-check

/**
 * Fewer index entries to move when a certificate is renewed. A renewal
 * changes `not_after` (and often `status`), and every index that holds one of
 * them is a delete and an insert, each on its own page of the commit: with
 * the expiry, entity, owner, cluster and status indexes a renewal wrote about
 * 14 pages, now about 7, and a watch event's transaction takes about half the
 * time it did.
 *
 * - The entity and owner indexes no longer carry the expiry order. An
 *   entity's or owner's list is its few (hundreds, at most thousands of)
 *   rows, found by the index and sorted; the store tells SQLite to do exactly
 *   that (see `listOrder` in queryFilters.ts).
 * - The cluster list index is gone: a cluster filter walks the expiry index,
 *   which now also holds `cluster`, so rows of other clusters are skipped
 *   without reading them. A cluster's rows in id order keep their index.
 * - The status index is gone: the counts index leads with (gone_at, status).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_entity_idx');
    table.dropIndex([], 'certificates_inventory_owner_idx');
    table.dropIndex([], 'certificates_inventory_cluster_idx');
    table.dropIndex([], 'certificates_inventory_status_idx');
    table.dropIndex([], 'certificates_inventory_expiry_idx');
  });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(['entity_ref', 'gone_at'], 'certificates_inventory_entity_idx');
    table.index(['owner_ref', 'gone_at'], 'certificates_inventory_owner_idx');
    table.index(
      ['gone_at', 'not_after', 'id', 'status', 'cluster'],
      'certificates_inventory_expiry_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_entity_idx');
    table.dropIndex([], 'certificates_inventory_owner_idx');
    table.dropIndex([], 'certificates_inventory_expiry_idx');
  });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['entity_ref', 'gone_at', 'not_after', 'id'],
      'certificates_inventory_entity_idx',
    );
    table.index(
      ['owner_ref', 'gone_at', 'not_after', 'id'],
      'certificates_inventory_owner_idx',
    );
    table.index(
      ['cluster', 'gone_at', 'not_after', 'id'],
      'certificates_inventory_cluster_idx',
    );
    table.index(['status', 'gone_at'], 'certificates_inventory_status_idx');
    table.index(
      ['gone_at', 'not_after', 'id', 'status'],
      'certificates_inventory_expiry_idx',
    );
  });
};
