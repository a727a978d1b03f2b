// @ts-check

/**
 * Discovered certificates are linked to portal requests by proof, when they
 * are read: the request is found by the certificate's serial number, then
 * proven by the fingerprint of the certificate it was issued. Inventory rows
 * no longer store a link taken from a Secret's label: the ones stored so far
 * are cleared; only the portal's own rows (certificates issued to a CSR,
 * under the location 'portal') keep theirs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.index(['serial_number'], 'certificates_requests_serial_idx');
  });
  await knex('certificates_inventory')
    .whereNot('cluster', 'portal')
    .whereNotNull('request_id')
    .update({ request_id: null });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('certificates_requests', table => {
    table.dropIndex([], 'certificates_requests_serial_idx');
  });
};
