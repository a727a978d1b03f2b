// @ts-check

/**
 * List indexes that also cover the (not_after, id) order, so that the entity
 * and owner lists are served from the index instead of a walk of the expiry
 * index (SQLite picks that one otherwise).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_entity_idx');
    table.dropIndex([], 'certificates_inventory_owner_idx');
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
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_entity_idx');
    table.dropIndex([], 'certificates_inventory_owner_idx');
    table.dropIndex([], 'certificates_inventory_cluster_idx');
  });
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['entity_ref', 'gone_at', 'not_after'],
      'certificates_inventory_entity_idx',
    );
    table.index(
      ['owner_ref', 'gone_at', 'not_after'],
      'certificates_inventory_owner_idx',
    );
  });
};
