import { Knex } from 'knex';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  CertificateRequest,
  LEGACY_REQUEST_ID_LABEL,
  REQUEST_ID_LABEL,
} from '@kubecerts/backstage-plugin-certificates-common';
import { X509Certificate } from 'node:crypto';
import { pendingRequest } from '../../approvals/__testUtils__/TableRequests';
import { runInUnitOfWork } from '../../database';
import { DatabaseRequestStore } from '../../requests';
import { requestToRow } from '../../requests/requestRows';
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
import { IssuedCertificateRecorder } from '../IssuedCertificateRecorder';
import { DatabaseInventoryStore } from './DatabaseInventoryStore';
import { PORTAL_LOCATION } from './requestLinks';
import { linkLateIssued } from './linkIssued';
import { linkColumns, toDb } from './rowMapping';
import { InventoryRow } from './types';
import { databaseSuite } from '../../__testUtils__';

const NOW = '2026-12-06T10:00:00.000Z';

describe('links from discovered certificates to portal requests', () => {
  const db = databaseSuite();
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
    const portal = cluster === PORTAL_LOCATION;
    return {
      id: certificateId(cluster, where.namespace, where.name),
      location: portal ? PORTAL_LOCATION : 'cluster',
      cluster: portal ? '' : cluster,
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

  /** A row of cluster `prod` holding `leaf`. */
  const secretRow = (namespace: string, name: string, leaf = alices) =>
    rowOf({ namespace, name }, chainOf(leaf));

  async function setup(knex: Knex) {
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

  db.test(
    'links only the certificate a Secret delivery issued, at its target; a label, a copy or a forgery links nothing',
    async ({ knex }) => {
      const { inventory, issued, details, count } = await setup(knex);
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

  db.test(
    'links whichever comes first, the Secret or the issued request, changing nothing else of the row',
    async ({ knex }) => {
      const { inventory, requests, issued, details } = await setup(knex);
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
      // The issuance's hook, once the request is recorded issued.
      const recorder = IssuedCertificateRecorder.create({
        store: inventory,
        getApprovedRoots: async () => [],
        requests,
        logger: mockServices.logger.mock(),
      });
      await recorder.record({
        request,
        chainPem: chainOf(alices),
        serialNumber: request.serialNumber!,
      });
      expect((await details(row))?.requestId).toBe(request.id);
      expect(
        await knex('certificates_inventory').where({ id: row.id }).first(),
      ).toEqual({ ...before, request_id: request.id });
      // Linked once: again, and the sweep, find nothing left to link.
      expect(await inventory.linkIssued([request.id])).toBe(0);
      expect(await inventory.linkIssued()).toBe(0);
      // A rewrite of the same certificate keeps the link without a lookup.
      await inventory.upsertCertificates([row], NOW);
      expect((await details(row))?.requestId).toBe(request.id);

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

  db.test(
    "after discovery's write, links a row whose request was recorded issued between its read and its commit (both sides looked too early)",
    async ({ knex }) => {
      const { inventory, issued, details } = await setup(knex);
      const row = rowOf(
        { namespace: 'payments', name: 'payments-tls' },
        chainOf(alices),
      );
      // Discovery read before the request was issued: the row is written
      // unlinked; the issuance's own link ran before the row existed.
      await inventory.upsertCertificates([row], NOW);
      const request = await issued(alices, {
        kind: 'secret',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-tls',
      });
      expect((await details(row))?.requestId).toBeUndefined();
      // Discovery's look after its commit finds it.
      await linkLateIssued(knex, [linkColumns(row)], [null], new Map());
      expect((await details(row))?.requestId).toBe(request.id);
      // A row already linked is not looked at.
      await linkLateIssued(knex, [linkColumns(row)], [request.id], new Map());
      expect(await inventory.linkIssued()).toBe(0);
    },
  );

  db.test(
    "the issuance's hook and the sweep link nothing that does not prove it: a forged label at the target, a copy elsewhere",
    async ({ knex }) => {
      const { inventory, issued, details, count } = await setup(knex);
      // Another certificate at the request's target, labelled with its id.
      const forged = secretRow('payments', 'payments-tls', other);
      const copy = secretRow('storefront', 'payments-tls');
      await inventory.upsertCertificates([forged, copy], NOW);
      const request = await issued(alices, {
        kind: 'secret',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-tls',
      });
      await knex('certificates_inventory')
        .where({ id: forged.id })
        .update({ labels: JSON.stringify({ [REQUEST_ID_LABEL]: request.id }) });
      // The copy claims it under the name earlier versions wrote.
      await knex('certificates_inventory')
        .where({ id: copy.id })
        .update({
          labels: JSON.stringify({ [LEGACY_REQUEST_ID_LABEL]: request.id }),
        });
      const snapshot = async () => ({
        rows: await knex('certificates_inventory').orderBy('id'),
        history: await count('certificates_inventory_history'),
      });
      const before = await snapshot();

      expect(await inventory.linkIssued([request.id])).toBe(0);
      expect(await inventory.linkIssued()).toBe(0);
      expect(await snapshot()).toEqual(before);
      expect((await details(forged))?.requestId).toBeUndefined();
      expect((await details(forged))?.claimedRequestId).toBe(request.id);
      expect((await details(copy))?.requestId).toBeUndefined();
      expect((await details(copy))?.claimedRequestId).toBe(request.id);
    },
  );

  db.test(
    "links a CSR's certificate wherever it is deployed, and keeps the portal's own rows as written",
    async ({ knex }) => {
      const { inventory, issued, details } = await setup(knex);
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

  // On a database without the migrations, which the test applies itself.
  it.each(db.databases.eachSupportedId())(
    'the migrations clear the links stored from labels, move the portal rows to their location and link the stored rows by proof, %p',
    async databaseId => {
      const knex = await db.databases.init(databaseId);
      const migrations = {
        directory: resolvePackagePath(
          '@kubecerts/backstage-plugin-certificates-backend',
          'migrations',
        ),
        tableName: 'certificates_knex_migrations',
      };
      const next = async () =>
        ((await knex.migrate.list(migrations))[1][0] as { file: string })?.file;
      const upTo = async (file: string) => {
        while ((await next()) !== file) await knex.migrate.up(migrations);
      };
      /** A row as the store of that release wrote it: no location yet. */
      const insertRow = async (row: InventoryRow, requestId?: string) => {
        const { location, ...record } = toDb(row, NOW);
        await knex('certificates_inventory').insert({
          ...record,
          cluster: location === PORTAL_LOCATION ? PORTAL_LOCATION : row.cluster,
          request_id: requestId ?? null,
        });
      };
      await upTo('20261206020000_request_links.js');
      const discovered = rowOf(
        { namespace: 'storefront', name: 'x' },
        chainOf(other),
      );
      const portal = rowOf(
        { cluster: PORTAL_LOCATION, namespace: 'default', name: 'request-r1' },
        chainOf(alices),
      );
      const genuine = secretRow('payments', 'payments-tls');
      const copy = secretRow('storefront', 'stolen-tls');
      // as the label-reading discovery stored it
      await insertRow(discovered, 'from-a-label');
      await insertRow(portal, 'r1');
      await insertRow(genuine);
      await insertRow(copy);

      await upTo('20261207010100_inventory_proven_links.js');
      // A request issued to the genuine row's Secret, stored before.
      const columns = Object.keys(
        await knex('certificates_requests').columnInfo(),
      );
      const { createdAt, updatedAt, decisions, ...request } = pendingRequest({
        id: 'r2',
        state: 'issued',
        delivery: {
          kind: 'secret',
          cluster: 'prod',
          namespace: 'payments',
          secretName: 'payments-tls',
        },
        serialNumber: serialOf(alices),
      });
      const requestRow = requestToRow(
        { ...request, chainPem: chainOf(alices) },
        NOW,
      ) as unknown as Record<string, unknown>;
      await knex('certificates_requests').insert(
        Object.fromEntries(columns.map(c => [c, requestRow[c] ?? null])),
      );
      await knex.migrate.latest(migrations);

      const stored = Object.fromEntries(
        (
          await knex('certificates_inventory').select(
            'id',
            'location',
            'cluster',
            'request_id',
          )
        ).map(r => [r.id, [r.location, r.cluster, r.request_id]]),
      );
      expect(stored).toEqual({
        [discovered.id]: ['cluster', 'prod', null],
        [portal.id]: [PORTAL_LOCATION, '', 'r1'],
        [genuine.id]: ['cluster', 'prod', 'r2'],
        [copy.id]: ['cluster', 'prod', null],
      });
      const inventory = DatabaseInventoryStore.create({ knex });
      const [summary] = (
        await inventory.listCertificates({
          filter: { location: [PORTAL_LOCATION] },
          limit: 10,
        })
      ).items;
      expect(summary).toMatchObject({ id: portal.id, location: 'portal' });
      expect(summary.cluster).toBeUndefined();
    },
  );

  it('looks requests up by the serial index on SQLite', async () => {
    const knex = await db.migrated('SQLITE_3');
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

  db.test(
    'proves a large page in a few lookups when it is written, and lists read the links only',
    async ({ databaseId, knex }) => {
      const { inventory, requests } = await setup(knex);
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
      const queries: string[] = [];
      const onQuery = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', onQuery);
      await inventory.upsertCertificates(rows, NOW);
      const written = queries.splice(0);
      const list = await inventory.listCertificates({ filter: {}, limit: 50 });
      await inventory.getCertificate(rows[0].id);
      knex.off('query', onQuery);
      expect(
        list.items
          .filter(i => i.requestId)
          .map(i => i.requestId)
          .sort(),
      ).toEqual(Array.from({ length: 15 }, (_, k) => `req-${k * 2}`).sort());
      // One lookup for the page when it is written, and on PostgreSQL one
      // after the write for its new rows left unlinked (linkLateIssued).
      // (On SQLite the store writes with prepared statements, unseen by
      // knex's query event.)
      const lookups = (sql: string[]) =>
        sql.filter(q => q.includes('certificates_requests'));
      expect(lookups(written).length).toBe(
        databaseId.startsWith('SQLITE') ? 0 : 2,
      );
      // None when it is read.
      expect(lookups(queries)).toEqual([]);
      expect(leafFingerprintOf(chainOf(leaves[0]))).toBe(
        rows[0].details.leaf?.fingerprintSha256,
      );
    },
  );
  db.test(
    'a rewrite keeps the link of an unchanged certificate without proving it again, proves a changed one, records gone and returned once, and rolls back with its unit of work',
    async ({ databaseId, knex }) => {
      const { inventory, issued, details, count } = await setup(knex);
      const request = await issued(alices, {
        kind: 'secret',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-tls',
      });
      const forgery = await makeLeaf({
        issuer: impostor,
        dnsNames: ['payments-api.shop.example.com'],
        serialNumber: serialOf(alices),
      });
      const genuine = secretRow('payments', 'payments-tls');
      const neighbour = secretRow('payments', 'other-tls', other);
      const at = (hour: number) => `2026-12-06T1${hour}:00:00.000Z`;
      const statements: string[] = [];
      knex.on('query', (q: { sql: string }) => statements.push(q.sql));
      // On PostgreSQL one read and one write per batch (and, for a new or
      // changed certificate left unlinked, a lookup after the write, not
      // counted here); SQLite's prepared statements are unseen by knex's
      // query event.
      const late = (sql: string) =>
        sql.startsWith('select id, serial_number') ||
        sql.includes('"certificates_requests" as "q"') ||
        sql.startsWith('update "certificates_inventory" set "request_id"');
      const write = async (rows: InventoryRow[], hour: number) => {
        statements.length = 0;
        await inventory.upsertCertificates(rows, at(hour));
        expect(statements.filter(s => !late(s))).toHaveLength(
          databaseId.startsWith('SQLITE') ? 0 : 2,
        );
      };
      const linkOf = async () => (await details(genuine))?.requestId;
      const setSerial = (serial: string) =>
        knex('certificates_requests')
          .where({ id: request.id })
          .update({ serial_number: serial });

      await write([genuine, neighbour], 0);
      expect(await linkOf()).toBe(request.id);
      // Unchanged certificates are not looked up again: the request's
      // serial no longer matching changes nothing.
      await setSerial('FF');
      await write([{ ...genuine, status: 'expiring' }, neighbour], 1);
      expect(await details(genuine)).toMatchObject({
        requestId: request.id,
        status: 'expiring',
      });
      await setSerial(serialOf(alices).toUpperCase());
      // Another certificate with the request's serial: proven again, refused.
      const forged = rowOf(
        { namespace: 'payments', name: 'payments-tls' },
        forgery.certPem + impostor.pem,
      );
      await write([forged, neighbour], 2);
      expect(await linkOf()).toBeUndefined();
      await write([genuine], 3);
      expect(await linkOf()).toBe(request.id);
      await inventory.markGone([genuine.id, 'no-such-row'], at(4));
      await inventory.markGone([genuine.id], at(5));
      await write([genuine], 6);
      const stored = await details(genuine);
      expect(stored).toMatchObject({
        requestId: request.id,
        firstSeenAt: at(0),
        lastSeenAt: at(6),
      });
      expect(stored?.goneAt).toBeUndefined();
      expect(stored?.history.map(h => [h.event, h.at])).toEqual([
        ['first-seen', at(0)],
        ['changed', at(2)],
        ['changed', at(3)],
        ['gone', at(4)],
        ['returned', at(6)],
      ]);
      expect((await details(neighbour))?.history).toHaveLength(1);

      // A write in a unit of work that fails leaves nothing behind.
      const rowsBefore = await count('certificates_inventory');
      const historyBefore = await count('certificates_inventory_history');
      await expect(
        runInUnitOfWork(knex, async unitOfWork => {
          await inventory.upsertCertificates(
            [forged, secretRow('payments', 'new-tls')],
            at(7),
            { unitOfWork },
          );
          throw new Error('issuance failed');
        }),
      ).rejects.toThrow('issuance failed');
      expect(await count('certificates_inventory')).toBe(rowsBefore);
      expect(await count('certificates_inventory_history')).toBe(historyBefore);
      expect(await linkOf()).toBe(request.id);
    },
  );
});
