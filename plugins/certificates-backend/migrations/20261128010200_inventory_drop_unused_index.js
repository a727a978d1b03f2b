// @ts-check

/**
 * No query looks rows up by fingerprint; the index only cost time on every
 * inventory write.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.dropIndex([], 'certificates_inventory_fingerprint_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_inventory', table => {
    table.index(
      ['fingerprint_sha256'],
      'certificates_inventory_fingerprint_idx',
    );
  });
};
