import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CertificateRequest,
  REQUEST_ID_LABEL,
} from '@kubecerts/backstage-plugin-certificates-common';
import { X509Certificate } from 'node:crypto';
import { pendingRequest } from '../../approvals/__testUtils__/TableRequests';
import { applyDatabaseMigrations } from '../../database';
import { DatabaseRequestStore } from '../../requests';
import {
  certificateId,
  leafFingerprintOf,
  parseTlsData,
  TrustStore,
} from '../parsing';
import {
  makeCa,
  makeLeaf,
  secretData,
  TestIssuer,
  TestLeaf,
} from '../parsing/testPki';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { PORTAL_LOCATION } from './requestLinks';
import { InventoryRow } from './types';

jest.setTimeout(60_000);

const NOW = '2026-12-06T10:00:00.000Z';

describe('links from discovered certificates to portal requests', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let root: TestIssuer;
  let issuing: TestIssuer;
  let impostor: TestIssuer;
  let alices: TestLeaf;
  let other: TestLeaf;
  let trust: TrustStore;

  beforeAll(async () => {
    root = await makeCa('Portal Root');
    issuing = await makeCa('Portal Issuing CA', root);
    // Same name as the real issuing CA, another key.
    impostor = await makeCa('Portal Issuing CA');
    alices = await makeLeaf({
      issuer: issuing,
      dnsNames: ['payments-api.shop.example.com'],
    });
    other = await makeLeaf({
      issuer: issuing,
      dnsNames: ['checkout.shop.example.com'],
    });
    trust = TrustStore.fromPems([root.pem]);
  });

  const chainOf = (leaf: TestLeaf) => leaf.certPem + issuing.pem;
  const serialOf = (leaf: TestLeaf) =>
    new X509Certificate(leaf.certPem).serialNumber;

  function rowOf(
    where: { cluster?: string; namespace: string; name: string },
    chainPem: string,
    labels?: Record<string, string>,
  ): InventoryRow {
    const cluster = where.cluster ?? 'prod';
    const parsed = parseTlsData(secretData(chainPem), trust);
    return {
      id: certificateId(cluster, where.namespace, where.name),
      cluster,
      namespace: where.namespace,
      secretName: where.name,
      labels,
      status: 'valid',
      findings: [],
      chainPem: parsed.chainPem,
      details: {
        leaf: parsed.leaf,
        chain: parsed.chain,
        findingDetails: [],
        chainTrusted: parsed.chainTrusted,
      },
    };
  }

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations({ knex });
    const inventory = DatabaseInventoryStore.create({ knex });
    const requests = DatabaseRequestStore.create({ knex });
    /** An issued request, as the issuers record one (serial in upper case). */
    const issued = async (
      leaf: TestLeaf,
      delivery: CertificateRequest['delivery'],
    ) => {
      const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
        entityRef: 'component:default/payments-api',
        ownerRef: 'group:default/payments',
        state: 'issued',
        delivery,
        serialNumber: serialOf(leaf).toUpperCase(),
      });
      return requests.create({ ...request, chainPem: chainOf(leaf) });
    };
    const details = (row: InventoryRow) => inventory.getCertificate(row.id);
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    return { knex, inventory, requests, issued, details, count };
  }

  it.each(databases.eachSupportedId())(
    'links only the certificate a Secret delivery issued, at its target; a label, a copy or a forgery links nothing, %p',
    async databaseId => {
      const { inventory, issued, details, count } = await setup(databaseId);
      const target = {
        kind: 'secret' as const,
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-tls',
      };
      const request = await issued(alices, target);
      const claim = { [REQUEST_ID_LABEL]: request.id };
      const forgery = await makeLeaf({
        issuer: impostor,
        dnsNames: ['payments-api.shop.example.com'],
        serialNumber: serialOf(alices),
      });
      const genuine = rowOf(
        { namespace: 'payments', name: 'payments-tls' },
        chainOf(alices),
        claim,
      );
      const rows = {
        genuine,
        // the attack: another team's Secret, labelled with the request id
        forged: rowOf(
          { namespace: 'storefront', name: 'checkout-tls' },
          chainOf(other),
          claim,
        ),
        copy: rowOf(
          { namespace: 'storefront', name: 'stolen-tls' },
          chainOf(alices),
          claim,
        ),
        renamed: rowOf(
          { namespace: 'payments', name: 'payments-tls-2' },
          chainOf(alices),
        ),
        otherCluster: rowOf(
          { cluster: 'staging', namespace: 'payments', name: 'payments-tls' },
          chainOf(alices),
        ),
        // the request's issuer name and serial, not its certificate
        sameSerial: rowOf(
          { namespace: 'payments', name: 'payments-tls-3' },
          forgery.certPem + impostor.pem,
          claim,
        ),
        // a link written with the row is not stored for a discovered row
        stored: {
          ...rowOf({ namespace: 'x', name: 'y' }, chainOf(other)),
          requestId: request.id,
        },
      };
      await inventory.upsertCertificates(Object.values(rows), NOW);
      expect(rows.sameSerial.details.leaf?.serialNumber).toBe(
        genuine.details.leaf?.serialNumber,
      );
      expect(rows.sameSerial.details.leaf?.issuer).toBe(
        genuine.details.leaf?.issuer,
      );

      expect((await details(genuine))?.requestId).toBe(request.id);
      expect((await details(genuine))?.claimedRequestId).toBeUndefined();
      for (const row of [
        rows.forged,
        rows.copy,
        rows.renamed,
        rows.otherCluster,
        rows.sameSerial,
        rows.stored,
      ]) {
        const d = await details(row);
        expect({ id: d?.secretName, requestId: d?.requestId }).toEqual({
          id: row.secretName,
          requestId: undefined,
        });
      }
      expect((await details(rows.forged))?.claimedRequestId).toBe(request.id);
      expect((await details(rows.copy))?.claimedRequestId).toBe(request.id);

      // Lists and the export say the same.
      const list = await inventory.listCertificates({
        filter: {},
        limit: 50,
      });
      const linked = (items: Array<{ id: string; requestId?: string }>) =>
        items.filter(i => i.requestId).map(i => [i.id, i.requestId]);
      expect(linked(list.items)).toEqual([[genuine.id, request.id]]);
      const exported: Array<{ id: string; requestId?: string }> = [];
      await inventory.exportCertificates({ filter: {} }, page => {
        exported.push(...page);
      });
      expect(exported).toHaveLength(Object.keys(rows).length);
      expect(linked(exported)).toEqual([[genuine.id, request.id]]);
      // Reading wrote nothing.
      expect(await count('certificates_inventory')).toBe(
        Object.keys(rows).length,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'links whichever comes first, the Secret or the issued request, without rewriting the row, %p',
    async databaseId => {
      const { knex, inventory, issued, details } = await setup(databaseId);
      const row = rowOf(
        { namespace: 'payments', name: 'payments-tls' },
        chainOf(alices),
      );
      await inventory.upsertCertificates([row], NOW);
      const before = await knex('certificates_inventory')
        .where({ id: row.id })
        .first();
      expect((await details(row))?.requestId).toBeUndefined();

      const request = await issued(alices, {
        kind: 'cert-manager',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-tls',
      });
      expect((await details(row))?.requestId).toBe(request.id);
      expect(
        await knex('certificates_inventory').where({ id: row.id }).first(),
      ).toEqual(before);

      // And the other way round: the Secret written after the request.
      const later = rowOf(
        { namespace: 'payments', name: 'other-tls' },
        chainOf(other),
      );
      const second = await issued(other, {
        kind: 'secret',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'other-tls',
      });
      await inventory.upsertCertificates([later], NOW);
      expect((await details(later))?.requestId).toBe(second.id);
    },
  );

  it.each(databases.eachSupportedId())(
    "links a CSR's certificate wherever it is deployed, and keeps the portal's own rows as written, %p",
    async databaseId => {
      const { inventory, issued, details } = await setup(databaseId);
      const request = await issued(alices, { kind: 'csr' });
      const deployed = rowOf(
        { namespace: 'anywhere', name: 'app-tls' },
        chainOf(alices),
      );
      const portal = {
        ...rowOf(
          { cluster: PORTAL_LOCATION, namespace: 'default', name: 'request-x' },
          chainOf(other),
        ),
        requestId: 'written-by-the-recorder',
      };
      await inventory.upsertCertificates([deployed, portal], NOW);
      expect((await details(deployed))?.requestId).toBe(request.id);
      expect((await details(portal))?.requestId).toBe(
        'written-by-the-recorder',
      );
      const [stored] = await inventory.getRows([portal.id]);
      expect(stored.requestId).toBe('written-by-the-recorder');
    },
  );

  it.each(databases.eachSupportedId())(
    'the migration clears the links stored from labels and keeps the portal rows, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const migrations = {
        directory: resolvePackagePath(
          '@kubecerts/backstage-plugin-certificates-backend',
          'migrations',
        ),
        tableName: 'certificates_knex_migrations',
      };
      const next = async () =>
        ((await knex.migrate.list(migrations))[1][0] as { file: string })?.file;
      while ((await next()) !== '20261206020000_request_links.js') {
        await knex.migrate.up(migrations);
      }
      const inventory = DatabaseInventoryStore.create({ knex });
      const discovered = rowOf(
        { namespace: 'storefront', name: 'x' },
        chainOf(other),
      );
      const portal = {
        ...rowOf(
          {
            cluster: PORTAL_LOCATION,
            namespace: 'default',
            name: 'request-r1',
          },
          chainOf(alices),
        ),
        requestId: 'r1',
      };
      await inventory.upsertCertificates([discovered, portal], NOW);
      // as the label-reading discovery stored it
      await knex('certificates_inventory')
        .where({ id: discovered.id })
        .update({ request_id: 'from-a-label' });
      await knex.migrate.latest(migrations);
      const links = Object.fromEntries(
        (await knex('certificates_inventory').select('id', 'request_id')).map(
          r => [r.id, r.request_id],
        ),
      );
      expect(links).toEqual({ [discovered.id]: null, [portal.id]: 'r1' });
    },
  );

  it('looks requests up by the serial index on SQLite', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations({ knex });
    const { sql, bindings } = knex('certificates_requests')
      .select('id', 'chain_pem')
      .whereIn('serial_number', ['0A', '0a'])
      .whereNotNull('chain_pem')
      .toSQL()
      .toNative();
    const plan = await knex.raw(`explain query plan ${sql}`, bindings);
    expect(plan.map((r: { detail: string }) => r.detail).join()).toContain(
      'certificates_requests_serial_idx',
    );
  });

  it.each(databases.eachSupportedId())(
    'finds the requests of a large page in a few lookups, %p',
    async databaseId => {
      const { knex, inventory, requests } = await setup(databaseId);
      const leaves = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          makeLeaf({ issuer: issuing, dnsNames: [`app-${i}.example.com`] }),
        ),
      );
      const rows = leaves.map((leaf, i) =>
        rowOf({ namespace: 'ns', name: `tls-${i}` }, chainOf(leaf)),
      );
      await requests.createMany(
        leaves
          .filter((_, i) => i % 2 === 0)
          .map((leaf, k) => {
            const i = k * 2;
            const { createdAt, updatedAt, decisions, ...request } =
              pendingRequest({
                id: `req-${i}`,
                state: 'issued',
                delivery: {
                  kind: 'secret',
                  cluster: 'prod',
                  namespace: 'ns',
                  secretName: `tls-${i}`,
                },
                serialNumber: serialOf(leaf),
              });
            return { ...request, chainPem: chainOf(leaf) };
          }),
      );
      await inventory.upsertCertificates(rows, NOW);
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', onQuery);
      const list = await inventory.listCertificates({ filter: {}, limit: 50 });
      knex.off('query', onQuery);
      expect(
        list.items
          .filter(i => i.requestId)
          .map(i => i.requestId)
          .sort(),
      ).toEqual(Array.from({ length: 15 }, (_, k) => `req-${k * 2}`).sort());
      // One lookup for the page. (On SQLite the store runs its reads as
      // prepared statements, unseen by knex's query event.)
      const lookups = queries.filter(q => q.includes('certificates_requests'));
      expect(lookups.length).toBe(databaseId.startsWith('SQLITE') ? 0 : 1);
      expect(leafFingerprintOf(chainOf(leaves[0]))).toBe(
        rows[0].details.leaf?.fingerprintSha256,
      );
    },
  );
});
