// @ts-check

/**
 * The discovered inventory: one row per TLS Secret (cluster, namespace,
 * name), the Kubernetes objects that relate to those Secrets (Ingresses,
 * Gateways, cert-manager resources), the history of each row, and the sync
 * status of every cluster. Timestamps are ISO 8601 UTC strings, which sort
 * correctly as text on every database.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('certificates_inventory', table => {
    table.comment('One row per discovered TLS Secret; no private key data');
    table.string('id', 64).primary().notNullable();
    table.string('cluster', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('secret_name', 253).notNullable();
    table.string('resource_version', 64).nullable();
    table.text('labels').nullable();
    table.string('common_name', 1024).nullable();
    table.text('dns_names').notNullable();
    table.text('search_text').notNullable();
    table.string('issuer', 1024).nullable();
    table.string('not_before', 32).nullable();
    table.string('not_after', 32).nullable();
    table.string('status', 32).notNullable();
    table.string('findings', 512).notNullable();
    table.string('key_algorithm', 16).nullable();
    table.integer('key_size').nullable();
    table.string('curve', 32).nullable();
    table.string('fingerprint_sha256', 64).nullable();
    table.string('serial_number', 128).nullable();
    table.string('entity_ref', 512).nullable();
    table.string('owner_ref', 512).nullable();
    table.string('ownership_rule', 32).nullable();
    table.string('request_id', 128).nullable();
    table.text('details').notNullable();
    table.text('chain_pem').nullable();
    table.string('first_seen_at', 32).notNullable();
    table.string('last_seen_at', 32).notNullable();
    table.string('changed_at', 32).notNullable();
    table.string('gone_at', 32).nullable();
    table.unique(['cluster', 'namespace', 'secret_name'], {
      indexName: 'certificates_inventory_secret_uniq',
    });
    table.index(
      ['gone_at', 'not_after', 'id'],
      'certificates_inventory_expiry_idx',
    );
    table.index(
      ['entity_ref', 'gone_at', 'not_after'],
      'certificates_inventory_entity_idx',
    );
    table.index(
      ['owner_ref', 'gone_at', 'not_after'],
      'certificates_inventory_owner_idx',
    );
    table.index(['status', 'gone_at'], 'certificates_inventory_status_idx');
    table.index(['issuer'], 'certificates_inventory_issuer_idx');
    table.index(
      ['fingerprint_sha256'],
      'certificates_inventory_fingerprint_idx',
    );
  });

  await knex.schema.createTable('certificates_inventory_history', table => {
    table.comment(
      'first-seen / changed / gone / returned / owner-changed events',
    );
    table.bigIncrements('seq').primary();
    table.string('certificate_id', 64).notNullable();
    table.string('at', 32).notNullable();
    table.string('event', 32).notNullable();
    table.text('detail').nullable();
    table.index(
      ['certificate_id', 'seq'],
      'certificates_inventory_history_cert_idx',
    );
  });

  await knex.schema.createTable('certificates_k8s_objects', table => {
    table.comment(
      'Ingresses, Gateways and cert-manager objects that relate to TLS Secrets',
    );
    table.string('cluster', 253).notNullable();
    table.string('kind', 64).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('resource_version', 64).nullable();
    table.text('labels').nullable();
    table.text('data').notNullable();
    table.primary(['cluster', 'kind', 'namespace', 'name']);
  });

  await knex.schema.createTable('certificates_k8s_refs', table => {
    table.comment(
      'Which object references which Secret (Ingress tls, Gateway listener, Certificate secretName)',
    );
    table.string('cluster', 253).notNullable();
    table.string('kind', 64).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('secret_namespace', 253).notNullable();
    table.string('secret_name', 253).notNullable();
    table.text('hosts').notNullable();
    table.primary([
      'cluster',
      'kind',
      'namespace',
      'name',
      'secret_namespace',
      'secret_name',
    ]);
    table.index(
      ['cluster', 'secret_namespace', 'secret_name'],
      'certificates_k8s_refs_secret_idx',
    );
  });

  await knex.schema.createTable('certificates_clusters', table => {
    table.comment('Sync status of each configured cluster');
    table.string('name', 253).primary().notNullable();
    table.boolean('simulated').notNullable().defaultTo(false);
    table.string('state', 32).notNullable();
    table.string('last_sync_at', 32).nullable();
    table.string('last_attempt_at', 32).nullable();
    table.text('degraded_reason').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('certificates_clusters');
  await knex.schema.dropTable('certificates_k8s_refs');
  await knex.schema.dropTable('certificates_k8s_objects');
  await knex.schema.dropTable('certificates_inventory_history');
  await knex.schema.dropTable('certificates_inventory');
};
