import { mockServices } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  csrFor,
  databaseSuite,
  DatabaseTestContext,
  paymentsInput,
  paymentsOwner,
  servicesPolicy,
} from '../__testUtils__';
import { generateCa } from '../ca/caCertificates';
import { IssuedCertificateRecorder } from '../inventory/IssuedCertificateRecorder';
import { parseTlsData, TrustStore } from '../inventory/parsing';

const NAMES = ['payments.example.com', 'api.payments.example.com'];

function parse(chainPem: string, roots: string[]) {
  return parseTlsData(
    { 'tls.crt': Buffer.from(chainPem, 'utf8').toString('base64') },
    TrustStore.fromPems(roots),
  );
}

describe('IssuanceService with the inventory in the issuing transaction', () => {
  const db = databaseSuite();
  let csrPem: string;

  beforeAll(async () => {
    csrPem = await csrFor(...NAMES);
  });

  async function setup(harness: DatabaseTestContext['harness']) {
    const h = await harness({
      policies: [
        servicesPolicy({
          allowedDnsNames: [
            '{{entity.name}}.example.com',
            '*.{{entity.name}}.example.com',
          ],
        }),
      ],
    });
    const submit = async () => {
      const { request } = await h.requestService.submit(
        paymentsInput(csrPem, { dnsNames: NAMES }),
        // In the owner team: only owners are approved automatically.
        paymentsOwner('dev'),
      );
      return request as CertificateRequest;
    };
    return {
      knex: h.knex,
      ca: h.builtinCa,
      requests: h.requestStore,
      inventory: h.inventoryStore,
      recorder: h.issuedCertificates,
      submit,
    };
  }

  db.test(
    'the certificate joins the inventory in the commit that issues it, with the fields a parse gives',
    async ({ knex, harness }) => {
      const { ca, requests, inventory, submit } = await setup(harness);
      const upserts = jest.spyOn(inventory, 'upsertCertificates');
      const issued = await submit();
      expect(issued.state).toBe('issued');
      const id = IssuedCertificateRecorder.rowId(issued);
      // No waiting for a background writer: the row committed with the request.
      expect(issued.certificateId).toBe(id);
      expect((await requests.get(issued.id))?.certificateId).toBe(id);
      expect(upserts).toHaveBeenCalledTimes(1);
      expect(upserts.mock.calls[0][2]?.unitOfWork).toBeDefined();

      const [row] = await inventory.getRows([id]);
      const chainPem = (await requests.getChainPem(issued.id))!;
      const parsed = parse(chainPem, [ca.rootCertificatePem]);
      expect(row).toMatchObject({
        location: 'portal',
        cluster: '',
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
        await knex('certificates_inventory_history').where({
          certificate_id: id,
        }),
      ).toHaveLength(1);
      expect(JSON.stringify(row)).not.toMatch(/PRIVATE KEY/);
    },
  );

  db.test(
    "rows from the issuer's fields equal rows parsed from the chain, trusted or not",
    async ({ harness }) => {
      const { ca, inventory, requests, submit } = await setup(harness);
      const issued = await submit();
      const other = await generateCa({
        organization: 'Elsewhere',
        now: new Date(),
      });
      const cases: Array<[string[], boolean]> = [
        [[ca.rootCertificatePem], false],
        [[], false],
        [[other.rootCertificatePem], true],
      ];
      for (const [roots, untrusted] of cases) {
        const recorder = IssuedCertificateRecorder.create({
          store: inventory,
          getApprovedRoots: async () => roots,
          requests,
          logger: mockServices.logger.mock(),
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
    const { inventory, knex, recorder, requests, submit } = await setup(
      (
        await db.context('SQLITE_3')
      ).harness,
    );
    const original = inventory.upsertCertificates.bind(inventory);
    jest
      .spyOn(inventory, 'upsertCertificates')
      .mockImplementation(async (rows, now, options) => {
        if (options?.unitOfWork) throw new Error('disk full');
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
