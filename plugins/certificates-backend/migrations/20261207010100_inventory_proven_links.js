// @ts-check

const { createHash } = require('node:crypto');

/**
 * Discovered rows store the request their certificate proves, proven when
 * the row is written instead of on every read. This links the rows stored
 * so far, with the same proof: the row's leaf is byte for byte the
 * certificate a request was issued (SHA-256 of the DER of its chain's first
 * certificate), and for a Secret or cert-manager delivery the row is the
 * request's target Secret. A label on a Secret plays no part. Plain code of
 * its own, as a migration must not change with the plugin's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const first =
    /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/;
  /** @param {string} chainPem */
  const leafFingerprint = chainPem => {
    const body = first.exec(chainPem)?.[1];
    const der = body ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : null;
    return der && der.length > 0
      ? createHash('sha256').update(der).digest('hex')
      : undefined;
  };
  let after = '';
  for (;;) {
    const requests = await knex('certificates_requests')
      .select(
        'id',
        'chain_pem',
        'delivery_kind',
        'delivery_cluster',
        'delivery_namespace',
        'delivery_secret_name',
      )
      .whereNotNull('chain_pem')
      .where('id', '>', after)
      .orderBy('id')
      .limit(200);
    if (requests.length === 0) return;
    after = requests[requests.length - 1].id;
    const byFingerprint = new Map();
    for (const request of requests) {
      const fingerprint = leafFingerprint(request.chain_pem);
      if (fingerprint) byFingerprint.set(fingerprint, request);
    }
    if (byFingerprint.size === 0) continue;
    const rows = await knex('certificates_inventory')
      .select('id', 'cluster', 'namespace', 'secret_name', 'fingerprint_sha256')
      .where({ location: 'cluster' })
      .whereIn('fingerprint_sha256', [...byFingerprint.keys()]);
    for (const row of rows) {
      const request = byFingerprint.get(row.fingerprint_sha256);
      const atTarget =
        request.delivery_kind === 'csr' ||
        (request.delivery_cluster === row.cluster &&
          request.delivery_namespace === row.namespace &&
          request.delivery_secret_name === row.secret_name);
      if (atTarget) {
        await knex('certificates_inventory')
          .where({ id: row.id })
          .update({ request_id: request.id });
      }
    }
  }
};

/**
 * Before this, discovered rows stored no link.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('certificates_inventory')
    .where({ location: 'cluster' })
    .update({ request_id: null });
};
