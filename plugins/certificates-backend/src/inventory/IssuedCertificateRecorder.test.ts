import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { IssuanceService, IssuerRegistry } from '../issuing';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DatabaseRequestStore } from '../requests';
import {
  IssuedCertificateRecorder,
  PORTAL_LOCATION,
} from './IssuedCertificateRecorder';
import { TrustStore } from './parsing';
import { createInventoryRouter } from './router';
import { DatabaseInventoryStore } from './store';
import {
  createTestCa,
  describeDatabases,
  errorHandler,
  newRequest,
  noLifecycle,
  PAYMENTS_TEAM,
  paymentsCsrOnce,
  paymentsEntity,
} from '../__testUtils__';
import { issuanceNoops } from '../issuing/__testUtils__/issuanceNoops';
import { DatabaseAuditLog } from '../audit';
import { simulatedRegistry, testDiscovery } from '../__testUtils__/discovery';

/** component:team-pay/payments, owned by the payments team. */
const ENTITY = stringifyEntityRef(paymentsEntity);

describeDatabases('IssuedCertificateRecorder', db => {
  const csr = paymentsCsrOnce();

  async function setup(knex: Knex, now: () => Date = () => new Date()) {
    const logger = mockServices.logger.mock();
    const ca = await createTestCa(knex, { logger });
    const requests = DatabaseRequestStore.create({ knex });
    const inventory = DatabaseInventoryStore.create({ knex });
    const recorder = IssuedCertificateRecorder.create({
      store: inventory,
      getApprovedRoots: async () => [ca.rootCertificatePem],
      requests,
      logger,
      now,
    });
    const issuance = IssuanceService.create({
      ...issuanceNoops,
      audit: DatabaseAuditLog.create({ knex }),
      store: requests,
      issuers: IssuerRegistry.create({ issuers: [ca] }),
      logger,
      onIssued: recorder.record,
    });
    const issue = async (validityDays = 90) => {
      const created = await requests.create(
        newRequest({
          entityRef: ENTITY,
          requester: 'user:default/dev',
          ownerRef: PAYMENTS_TEAM,
          policyName: 'internal',
          approvalsRequired: 0,
          validityDays,
          csrPem: csr.pem,
        }),
      );
      return issuance.issueApproved(created.id);
    };
    const permissions = mockServices.permissions.mock();
    permissions.authorizeConditional.mockImplementation(async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const app = express();
    app.use(
      createInventoryRouter({
        store: inventory,
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.none(),
        }),
        userInfo: mockServices.userInfo(),
        permissions,
        now,
        lifecycle: noLifecycle(),
      }),
    );
    app.use(errorHandler());
    return { ca, requests, inventory, recorder, issue, app, knex };
  }

  const asDev = mockCredentials.user.header('user:default/dev');

  db.test(
    'a CSR issued through the built-in CA is listed for its entity, linked to its request',
    async ({ knex }) => {
      const { app, issue, requests } = await setup(knex);
      const issued = await issue();
      expect(issued.state).toBe('issued');

      const list = await request(app)
        .get(`/certificates?entityRef=${encodeURIComponent(ENTITY)}`)
        .set('Authorization', asDev);
      expect(list.status).toBe(200);
      expect(list.body.totalCount).toBe(1);
      const [item] = list.body.items;
      expect(item).toMatchObject({
        location: PORTAL_LOCATION,
        namespace: 'team-pay',
        secretName: `request-${issued.id}`,
        requestId: issued.id,
        entityRef: ENTITY,
        ownerRef: PAYMENTS_TEAM,
        status: 'valid',
        findings: [],
        commonName: 'payments.example.com',
      });
      // In no cluster: not one named after the location.
      expect(item.cluster).toBeUndefined();

      const details = await request(app)
        .get(`/certificates/${item.id}`)
        .set('Authorization', asDev);
      expect(details.status).toBe(200);
      expect(details.body.ownershipRule ?? details.body.ownership?.rule).toBe(
        'request',
      );
      expect(JSON.stringify(details.body)).toContain(
        `"serialNumber":"${issued.serialNumber?.toLowerCase()}"`,
      );
      expect(JSON.stringify(details.body)).not.toMatch(/PRIVATE KEY/);

      // The request points at its inventory row.
      expect((await requests.get(issued.id))?.certificateId).toBe(item.id);

      // No cluster is invented for the portal's rows.
      const clusters = await request(app)
        .get('/clusters')
        .set('Authorization', asDev);
      expect(clusters.status).toBe(200);
      expect(JSON.stringify(clusters.body)).not.toContain(PORTAL_LOCATION);
    },
  );

  db.test('re-judges portal rows as time passes', async ({ knex }) => {
    let now = new Date();
    const { issue, inventory, recorder } = await setup(knex, () => now);
    const issued = await issue(90);
    expect(await recorder.reevaluate()).toBe(0);
    now = new Date(now.getTime() + 85 * 86_400_000);
    expect(await recorder.reevaluate()).toBe(1);
    const [row] = await inventory.getRows([
      IssuedCertificateRecorder.rowId(issued),
    ]);
    expect(row.status).toBe('critical');
    expect(row.requestId).toBe(issued.id);
  });

  db.test(
    'writes certificates issued together in shared batches, each linked to its request',
    async ({ knex }) => {
      const { issue, inventory, requests } = await setup(knex);
      const upserts = jest.spyOn(inventory, 'upsertCertificates');
      const issued = await Promise.all(
        Array.from({ length: 12 }, () => issue()),
      );
      expect(issued.every(r => r.state === 'issued')).toBe(true);
      const rows = await inventory.getRows(
        issued.map(r => IssuedCertificateRecorder.rowId(r)),
      );
      expect(rows).toHaveLength(12);
      expect(rows.every(r => r.status === 'valid')).toBe(true);
      for (const r of issued) {
        expect((await requests.get(r.id))?.certificateId).toBe(
          IssuedCertificateRecorder.rowId(r),
        );
      }
      // Fewer upserts than certificates: concurrent ones shared a batch.
      const rowsWritten = upserts.mock.calls.reduce(
        (n, [batch]) => n + batch.length,
        0,
      );
      expect(rowsWritten).toBe(12);
      expect(upserts.mock.calls.length).toBeLessThan(12);
    },
  );

  it('a certificate whose row cannot be written does not cost the others theirs', async () => {
    const { issue, inventory, recorder } = await setup(
      await db.migrated('SQLITE_3'),
    );
    const good = await issue();
    const original = inventory.upsertCertificates.bind(inventory);
    jest
      .spyOn(inventory, 'upsertCertificates')
      .mockImplementation(async (rows, now) => {
        if (rows.some(r => r.requestId === 'broken')) {
          throw new Error('disk full');
        }
        return original(rows, now);
      });
    const chainPem = (
      await inventory.getRows([IssuedCertificateRecorder.rowId(good)])
    )[0].chainPem!;
    const results = await Promise.allSettled([
      recorder.record({
        request: { ...good, id: 'broken' },
        chainPem,
        serialNumber: '01',
      }),
      recorder.record({
        request: { ...good, id: 'fine' },
        chainPem,
        serialNumber: '02',
      }),
    ]);
    expect(results.map(r => r.status)).toEqual(['rejected', 'fulfilled']);
    const rows = await inventory.getRows([
      IssuedCertificateRecorder.rowId({ ...good, id: 'fine' }),
      IssuedCertificateRecorder.rowId({ ...good, id: 'broken' }),
    ]);
    expect(rows.map(r => r.requestId)).toEqual(['fine']);
  });

  db.test(
    'catches up on the row of a certificate issued just before a crash',
    async ({ knex }) => {
      const { issue, inventory, recorder, requests } = await setup(knex);
      const issued = await issue();
      const id = IssuedCertificateRecorder.rowId(issued);
      // The process died after the request committed as issued and before
      // its inventory row was written.
      await knex('certificates_inventory_history')
        .where({ certificate_id: id })
        .delete();
      await knex('certificates_inventory').where({ id }).delete();
      await knex('certificates_requests')
        .where({ id: issued.id })
        .update({ certificate_id: null });

      expect(await recorder.catchUp()).toBe(1);
      const [row] = await inventory.getRows([id]);
      expect(row.requestId).toBe(issued.id);
      expect(row.status).toBe('valid');
      expect((await requests.get(issued.id))?.certificateId).toBe(id);
      expect(await recorder.catchUp()).toBe(0);
    },
  );

  it('records in the background without holding up the caller', async () => {
    const { issue, inventory, recorder } = await setup(
      await db.migrated('SQLITE_3'),
    );
    const issued = await issue();
    const chainPem = (
      await inventory.getRows([IssuedCertificateRecorder.rowId(issued)])
    )[0].chainPem!;
    const other = { ...issued, id: 'background' };
    await recorder.recordInBackground({
      request: other,
      chainPem,
      serialNumber: '03',
    });
    await recorder.idle();
    const [row] = await inventory.getRows([
      IssuedCertificateRecorder.rowId(other),
    ]);
    expect(row.requestId).toBe('background');
  });

  it('ignores secret deliveries (discovery links those)', async () => {
    const { recorder, inventory, issue } = await setup(
      await db.migrated('SQLITE_3'),
    );
    const issued = await issue();
    await recorder.record({
      request: {
        ...issued,
        id: 'other',
        delivery: { kind: 'secret', cluster: 'c1', namespace: 'ns' },
      },
      chainPem: '',
      serialNumber: '01',
    });
    const list = await inventory.listCertificates({ filter: {}, limit: 10 });
    expect(list.items.map(i => i.requestId)).toEqual([issued.id]);
  });

  it('a relist of a real cluster leaves portal rows alone', async () => {
    const { inventory, issue, ca } = await setup(await db.migrated('SQLITE_3'));
    const issued = await issue();
    const sim = await KubernetesApiSimulator.start({ historyTtlMs: 60_000 });
    const discovery = testDiscovery({
      clusters: simulatedRegistry({ c1: sim.kubeConfig() }),
      store: inventory,
      trust: TrustStore.fromPems([ca.rootCertificatePem]),
    });
    try {
      await discovery.start();
      for (let i = 0; i < 200 && discovery.states()[0].state !== 'ok'; i++) {
        await new Promise(r => setTimeout(r, 25));
      }
      expect(discovery.states()[0].state).toBe('ok');
      await discovery.resync();
      await discovery.idle();
      const [row] = await inventory.getRows([
        IssuedCertificateRecorder.rowId(issued),
      ]);
      expect(row.goneAt).toBeUndefined();
    } finally {
      await discovery.stop();
      await sim.stop();
    }
  });

  it('refuses a configured cluster named like the portal location', () => {
    expect(() =>
      IssuedCertificateRecorder.assertLocationFree(['prod', PORTAL_LOCATION]),
    ).toThrow(/reserved/);
    expect(() =>
      IssuedCertificateRecorder.assertLocationFree(['prod']),
    ).not.toThrow();
  });
});
