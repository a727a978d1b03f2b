import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { DatabaseAuditLog } from '../audit';
import { BuiltinCa } from '../ca';
import { generateCa } from '../ca/caCertificates';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { IssuedCertificateRecorder } from '../inventory/IssuedCertificateRecorder';
import { parseTlsData, TrustStore } from '../inventory/parsing';
import { DatabaseInventoryStore } from '../inventory/store';
import {
  DatabaseRequestStore,
  RequestService,
  RequestValidator,
} from '../requests';
import { IssuanceService } from './IssuanceService';
import { IssuerRegistry } from './IssuerRegistry';

jest.setTimeout(60_000);

const config = new ConfigReader({
  backend: { baseUrl: 'http://localhost:7007' },
  certificates: {
    builtinCa: { encryptionKey: 'test-encryption-key-of-at-least-32-chars' },
  },
});

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'team-pay' },
  spec: { type: 'service', owner: 'group:team-pay/payments-team' },
};

const caller = {
  credentials: {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/dev' },
  },
  userEntityRef: 'user:default/dev',
  // In the owner team: only owners are approved automatically.
  ownershipEntityRefs: ['user:default/dev', 'group:team-pay/payments-team'],
} as any;

function parse(chainPem: string, roots: string[]) {
  return parseTlsData(
    { 'tls.crt': Buffer.from(chainPem, 'utf8').toString('base64') },
    TrustStore.fromPems(roots),
  );
}

describe('IssuanceService with the inventory in the issuing transaction', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let csrPem: string;

  beforeAll(async () => {
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com', 'api.payments.example.com'],
    }));
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    await applyDatabaseMigrations({ knex });
    const logger = mockServices.logger.mock();
    const ca = await BuiltinCa.create({ knex, config, logger });
    const issuers = IssuerRegistry.create({ issuers: [ca] });
    const requests = DatabaseRequestStore.create({ knex });
    const inventory = DatabaseInventoryStore.create({ knex });
    const recorder = IssuedCertificateRecorder.create({
      store: inventory,
      getApprovedRoots: async () => [ca.rootCertificatePem],
      requests,
      logger,
    });
    const validator = RequestValidator.create({
      issuers,
      catalog: catalogServiceMock({ entities: [entity] }),
      auth: mockServices.auth(),
      policies: [
        {
          name: 'services',
          allowedDnsNames: [
            '{{entity.name}}.example.com',
            '*.{{entity.name}}.example.com',
          ],
          autoApprove: true,
        },
      ],
      clusterNames: () => [],
    });
    const audit = DatabaseAuditLog.create({ knex });
    const issuance = IssuanceService.create({
      store: requests,
      issuers,
      logger,
      audit,
      recheck: validator.recheck,
      onIssued: recorder.recordInBackground,
      inventory: recorder,
    });
    const service = RequestService.create({
      store: requests,
      validator,
      issuance,
      audit,
      logger,
    });
    const submit = async () => {
      const { request } = await service.submit(
        {
          entityRef: 'component:team-pay/payments',
          commonName: 'payments.example.com',
          dnsNames: ['payments.example.com', 'api.payments.example.com'],
          keyAlgorithm: 'ECDSA-P256',
          validityDays: 30,
          issuer: 'builtin',
          delivery: { kind: 'csr', csr: csrPem },
        },
        caller,
      );
      return request as CertificateRequest;
    };
    return { knex, ca, requests, inventory, recorder, submit };
  }

  it.each(databases.eachSupportedId())(
    'the certificate joins the inventory in the commit that issues it, with the fields a parse gives, %p',
    async databaseId => {
      const { ca, requests, inventory, submit, knex } = await setup(databaseId);
      const upserts = jest.spyOn(inventory, 'upsertCertificates');
      const issued = await submit();
      expect(issued.state).toBe('issued');
      const id = IssuedCertificateRecorder.rowId(issued);
      // No waiting for a background writer: the row committed with the request.
      expect(issued.certificateId).toBe(id);
      expect((await requests.get(issued.id))?.certificateId).toBe(id);
      expect(upserts).toHaveBeenCalledTimes(1);
      expect(upserts.mock.calls[0][2]?.transaction).toBeDefined();

      const [row] = await inventory.getRows([id]);
      const chainPem = (await requests.getChainPem(issued.id))!;
      const parsed = parse(chainPem, [ca.rootCertificatePem]);
      expect(row).toMatchObject({
        cluster: 'portal',
        namespace: 'team-pay',
        secretName: `request-${issued.id}`,
        requestId: issued.id,
        entityRef: 'component:team-pay/payments',
        ownerRef: 'group:team-pay/payments-team',
        ownershipRule: 'request',
        // 30 days: within the default 30-day warning.
        status: 'expiring',
        findings: [],
      });
      expect(row.details.leaf).toEqual(parsed.leaf);
      expect(row.details.chain).toEqual(parsed.chain);
      expect(row.details.chainTrusted).toBe(true);
      expect(row.chainPem).toBe(parsed.chainPem);
      expect(
        await knex('certificates_inventory_history').where({ certificate_id: id }),
      ).toHaveLength(1);
      expect(JSON.stringify(row)).not.toMatch(/PRIVATE KEY/);
    },
  );

  it.each(databases.eachSupportedId())(
    'rows from the issuer\'s fields equal rows parsed from the chain, trusted or not, %p',
    async databaseId => {
      const { ca, inventory, submit } = await setup(databaseId);
      const issued = await submit();
      const other = await generateCa({ organization: 'Elsewhere', now: new Date() });
      const cases: Array<[string[], boolean]> = [
        [[ca.rootCertificatePem], false],
        [[], false],
        [[other.rootCertificatePem], true],
      ];
      for (const [roots, untrusted] of cases) {
        const recorder = IssuedCertificateRecorder.create({
          store: inventory,
          getApprovedRoots: async () => roots,
        });
        const signed = ca.sign({
          requestId: `sign-${roots.length}-${untrusted}`,
          commonName: 'payments.example.com',
          dnsNames: ['payments.example.com'],
          ipAddresses: ['10.0.0.7'],
          uris: [],
          validityDays: 500,
          clientAuth: false,
          csrPem,
        });
        expect(signed.leaf).toBeDefined();
        const fast = { ...issued, id: `fast-${roots.length}-${untrusted}` };
        const slow = { ...issued, id: `slow-${roots.length}-${untrusted}` };
        await recorder.record({ request: fast, ...signed });
        await recorder.record({ request: slow, ...signed, leaf: undefined });
        const [a, b] = await inventory.getRows([
          IssuedCertificateRecorder.rowId(fast),
          IssuedCertificateRecorder.rowId(slow),
        ]);
        const comparable = (r: typeof a) => ({
          status: r.status,
          findings: r.findings,
          details: r.details,
          chainPem: r.chainPem,
        });
        expect(comparable(a)).toEqual(comparable(b));
        expect(a.details.leaf).toEqual(parse(signed.chainPem, roots).leaf);
        expect(a.findings.includes('untrusted-chain')).toBe(untrusted);
      }
    },
  );

  it('a failed inventory write does not stop issuance: issued once, the row follows', async () => {
    const { inventory, knex, recorder, requests, submit } = await setup('SQLITE_3');
    const original = inventory.upsertCertificates.bind(inventory);
    jest
      .spyOn(inventory, 'upsertCertificates')
      .mockImplementation(async (rows, now, options) => {
        if (options?.transaction) throw new Error('disk full');
        return original(rows, now, options);
      });
    const issued = await submit();
    expect(issued.state).toBe('issued');
    await recorder.idle();
    expect(await knex('certificates_ca_issued')).toHaveLength(1);
    const id = IssuedCertificateRecorder.rowId(issued);
    const [row] = await inventory.getRows([id]);
    expect(row.requestId).toBe(issued.id);
    expect((await requests.get(issued.id))?.certificateId).toBe(id);
  });
});
