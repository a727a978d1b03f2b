// @ts-check

/**
 * On PostgreSQL, inventory rows are kept inline and uncompressed up to the
 * size of a page. A row is 3–5 KB, most of it the chain PEM and the details
 * JSON; past PostgreSQL's default of 2 KB every insert and update
 * compressed both columns, which was about a fifth of the server's CPU in a
 * scan of 100,000 Secrets for a table a sixth smaller (and a longer chain
 * is still compressed). SQLite has no such setting.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('alter table ?? set (toast_tuple_target = 8160)', [
    'certificates_inventory',
  ]);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('alter table ?? reset (toast_tuple_target)', [
    'certificates_inventory',
  ]);
};
