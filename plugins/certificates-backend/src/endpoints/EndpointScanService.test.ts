import { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { describeDatabases } from '../__testUtils__';
import { certificateId, parseTlsData, TrustStore } from '../inventory/parsing';
import {
  makeCaChain,
  makeLeaf,
  secretData,
  TestIssuer,
} from '../inventory/parsing/testPki';
import { DatabaseInventoryStore, InventoryRow } from '../inventory/store';
import { joinPem, LocalServers } from './__testUtils__/localServers';
import { EndpointScanService } from './EndpointScanService';
import { EndpointStatusStore } from './EndpointStatusStore';
import { DeclaredEndpoint, endpointRowId } from './judgeEndpoint';

const local = new LocalServers();
let root: TestIssuer;
let inter: TestIssuer;

beforeAll(async () => {
  ({ root, issuing: inter } = await makeCaChain('Scan'));
});
afterAll(() => local.close());

const TEAM = 'group:default/team-a';
const SECRET_ID = certificateId('prod', 'web', 'app-tls');

describeDatabases('EndpointScanService', db => {
  async function setup(knex: Knex) {
    const inventory = DatabaseInventoryStore.create({ knex });
    const statuses = EndpointStatusStore.create({ knex });
    let declared: DeclaredEndpoint[] = [];
    const service = EndpointScanService.create({
      inventory,
      statuses,
      trust: TrustStore.fromPems([root.pem]),
      sources: [async () => declared],
      settings: {
        concurrency: 4,
        timeoutMs: 1000,
        allowPrivateNetworks: true,
        allowLoopback: true,
      },
      health: { thresholds: {}, approvedIssuers: [] },
      logger: mockServices.logger.mock(),
      resolve: async host =>
        host.endsWith('.test') ? '127.0.0.1' : '169.254.169.254',
    });
    const declare = (list: DeclaredEndpoint[]) => {
      declared = list;
    };
    const count = async () =>
      Number((await knex('certificates_inventory').count({ n: '*' }))[0].n);
    return { knex, inventory, statuses, service, declare, count };
  }

  /** The Secret behind an Ingress host, as discovery wrote it. */
  async function secretRow(pem: string): Promise<InventoryRow> {
    const parsed = parseTlsData(
      secretData(joinPem([pem, inter.pem])),
      TrustStore.fromPems([root.pem]),
    );
    return {
      id: SECRET_ID,
      cluster: 'prod',
      namespace: 'web',
      secretName: 'app-tls',
      status: 'valid',
      findings: [],
      entityRef: 'component:default/web',
      ownerRef: TEAM,
      chainPem: parsed.chainPem,
      details: { leaf: parsed.leaf, chain: parsed.chain, findingDetails: [] },
    };
  }

  db.test(
    'records served chains as endpoint rows owned through their Secret or entity',
    async ({ knex }) => {
      const { inventory, statuses, service, declare } = await setup(knex);
      const served = await makeLeaf({
        issuer: inter,
        dnsNames: ['web.test'],
        notBeforeDays: -20,
      });
      const renewed = await makeLeaf({
        issuer: inter,
        dnsNames: ['web.test'],
        notBeforeDays: -1,
      });
      const webPort = await local.tls(
        [served.certPem, inter.pem],
        served.keyPem,
      );
      const closed = await local.closedPort();
      await inventory.upsertCertificates(
        [await secretRow(renewed.certPem)],
        '2026-12-01T00:00:00.000Z',
      );
      const ingress: DeclaredEndpoint = {
        host: 'web.test',
        port: webPort,
        source: 'ingress',
        origin: 'prod/Ingress/web/web',
        namespace: 'web',
        secret: { id: SECRET_ID, name: 'web/app-tls' },
      };
      declare([
        ingress,
        {
          host: 'down.test',
          port: closed,
          source: 'annotation',
          origin: 'component:default/down',
          entityRef: 'component:default/down',
          ownerRef: 'group:default/team-b',
        },
      ]);
      const report = await service.run();
      expect(report).toMatchObject({ scanned: 2, unreachable: 1, removed: 0 });

      const { items } = await inventory.listCertificates({
        filter: { location: ['endpoint'] },
        limit: 10,
      });
      const byName = Object.fromEntries(items.map(i => [i.secretName, i]));
      expect(byName[`web.test:${webPort}`]).toMatchObject({
        location: 'endpoint',
        namespace: 'web',
        entityRef: 'component:default/web',
        ownerRef: TEAM,
        findings: ['served-outdated'],
      });
      expect(byName[`web.test:${webPort}`].cluster).toBeUndefined();
      expect(byName[`down.test:${closed}`]).toMatchObject({
        ownerRef: 'group:default/team-b',
        findings: ['endpoint-unreachable'],
      });
      // The same filters as any row.
      const outdated = await inventory.listCertificates({
        filter: { finding: ['served-outdated'] },
        limit: 10,
      });
      expect(outdated.items.map(i => i.secretName)).toEqual([
        `web.test:${webPort}`,
      ]);

      const [web] = await statuses.get([endpointRowId(ingress)]);
      expect(web).toMatchObject({
        host: 'web.test',
        resolvedAddress: '127.0.0.1',
        source: 'ingress',
      });
      expect(web.lastSeenAt).toBe(web.lastAttemptAt);
      expect(web.lastError).toBeUndefined();
      const down = (await statuses.list()).find(s => s.host === 'down.test');
      expect(down?.lastSeenAt).toBeUndefined();
      expect(down?.lastError).toContain('refused');

      // An endpoint nobody declares any more is gone; its status forgotten.
      declare([ingress]);
      expect((await service.run()).removed).toBe(1);
      expect(
        (
          await inventory.listCertificates({
            filter: { location: ['endpoint'] },
            limit: 10,
          })
        ).items.filter(i => !i.goneAt),
      ).toHaveLength(1);
      expect(await statuses.list()).toHaveLength(1);
    },
  );

  db.test(
    "an entity naming another team's Ingress host or a metadata address gains nothing",
    async ({ knex }) => {
      const { inventory, service, declare, count } = await setup(knex);
      const leaf = await makeLeaf({ issuer: inter, dnsNames: ['web.test'] });
      const port = await local.tls([leaf.certPem, inter.pem], leaf.keyPem);
      await inventory.upsertCertificates(
        [await secretRow(leaf.certPem)],
        '2026-12-01T00:00:00.000Z',
      );
      const forged: DeclaredEndpoint = {
        host: 'web.test',
        port,
        source: 'annotation',
        origin: 'component:default/intruder',
        entityRef: 'component:default/intruder',
        ownerRef: 'group:default/intruders',
      };
      declare([
        forged,
        {
          host: 'web.test',
          port,
          source: 'ingress',
          origin: 'prod/Ingress/web/web',
          secret: { id: SECRET_ID, name: 'web/app-tls' },
        },
        {
          host: 'metadata.internal',
          port: 80,
          source: 'annotation',
          origin: 'component:default/intruder',
          entityRef: 'component:default/intruder',
        },
      ]);
      const before = await count();
      await service.run();
      expect(await count()).toBe(before + 2);
      const [row] = await inventory.getRows([endpointRowId(forged)]);
      expect(row.ownerRef).toBe(TEAM);
      expect(row.entityRef).toBe('component:default/web');
      const metadata = await inventory.getRows([
        endpointRowId({ host: 'metadata.internal', port: 80 }),
      ]);
      expect(metadata[0].details.endpoint?.error).toContain('link-local');
      expect(metadata[0].details.leaf).toBeUndefined();
      // The Secret's own row is untouched.
      const [secret] = await knex('certificates_inventory')
        .where({ id: SECRET_ID })
        .select('owner_ref', 'findings');
      expect(secret).toEqual({ owner_ref: TEAM, findings: '' });
    },
  );

  db.test(
    'keeps the last address and time seen when a later scan fails',
    async ({ knex }) => {
      const { statuses } = await setup(knex);
      const base = {
        id: 'e1',
        host: 'web.test',
        port: 443,
        source: 'annotation',
        origin: 'component:default/web',
      };
      await statuses.record([
        {
          ...base,
          resolvedAddress: '10.0.0.1',
          lastAttemptAt: '2026-12-01T00:00:00.000Z',
          lastSeenAt: '2026-12-01T00:00:00.000Z',
          lastDurationMs: 12,
        },
      ]);
      await statuses.record([
        {
          ...base,
          lastAttemptAt: '2026-12-01T00:15:00.000Z',
          lastError: 'the host name does not resolve (ENOTFOUND)',
        },
      ]);
      expect(await statuses.get(['e1'])).toEqual([
        {
          ...base,
          resolvedAddress: '10.0.0.1',
          lastAttemptAt: '2026-12-01T00:15:00.000Z',
          lastSeenAt: '2026-12-01T00:00:00.000Z',
          lastError: 'the host name does not resolve (ENOTFOUND)',
        },
      ]);
    },
  );
});
