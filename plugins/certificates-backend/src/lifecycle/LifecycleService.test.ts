import 'reflect-metadata';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificateDetails,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import * as x509 from '@peculiar/x509';
import express from 'express';
import request from 'supertest';
import {
  describeDatabases,
  DatabaseTestContext,
  inventoryApp,
  paymentsCsrOnce,
  paymentsInput,
  paymentsOwner,
  userHeader,
} from '../__testUtils__';
import { IssuedCertificateRecorder } from '../inventory/IssuedCertificateRecorder';
import { testRow } from '../inventory/store/testRows';
import {
  certificateConditions,
  createCertificateConditionalDecision,
} from '../permissions';
import { certManagerOnlyLifecycle } from './__testUtils__/certManagerOnly';

jest.setTimeout(90_000);

const as = userHeader;
const revoke = (app: express.Express, rowId: string, who: string) =>
  request(app)
    .post(`/certificates/${rowId}/revoke`)
    .set('Authorization', as(who));
const renew = (app: express.Express, rowId: string, who: string) =>
  request(app)
    .post(`/certificates/${rowId}/renew`)
    .set('Authorization', as(who));
const detailsOf = (app: express.Express, rowId: string, who: string) =>
  request(app).get(`/certificates/${rowId}`).set('Authorization', as(who));
// Everyone here is in the owner team: only owners are approved automatically.
const callerOf = paymentsOwner;

const permission = (name: string) => ({
  name,
  type: 'resource',
  resourceType: 'certificates-certificate',
  attributes: {},
});

/**
 * Permissions as a policy would give them: `mallory` reads nothing, `eve`
 * reads but may neither renew nor revoke, `olga` may renew and revoke only
 * what team-other owns (not payments), everyone else may do everything.
 */
function permissionsMock() {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(async (reqs, opts) => {
    const user = (opts?.credentials.principal as any).userEntityRef as string;
    const name = (reqs[0] as any).permission.name as string;
    if (user.endsWith('/mallory')) return [{ result: AuthorizeResult.DENY }];
    if (user.endsWith('/eve') && name !== 'certificates.certificate.read') {
      return [{ result: AuthorizeResult.DENY }];
    }
    if (user.endsWith('/olga') && name !== 'certificates.certificate.read') {
      return [
        createCertificateConditionalDecision(permission(name) as any, {
          anyOf: [
            certificateConditions.isEntityOwner({
              claims: ['group:default/team-other'],
            }),
          ],
        }),
      ] as any;
    }
    return [{ result: AuthorizeResult.ALLOW }];
  });
  return permissions;
}

describeDatabases('LifecycleService: renew and revoke', db => {
  const csr = paymentsCsrOnce();

  async function setup(
    harness: DatabaseTestContext['harness'],
    options: { now?: () => Date } = {},
  ) {
    const h = await harness({
      now: options.now,
      permissions: permissionsMock(),
    });
    const { knex, lifecycle, audit, policies } = h;
    const ca = h.builtinCa;
    const requests = h.requestStore;
    const inventory = h.inventoryStore;
    const service = h.requestService;
    const app = inventoryApp({
      store: inventory,
      userInfo: mockServices.userInfo({
        ownershipEntityRefs: ['group:team-pay/payments-team'],
      }),
      permissions: permissionsMock(),
      lifecycle,
    });
    const { request: issued } = await service.submit(
      paymentsInput(csr.pem),
      callerOf('dev'),
    );
    expect(issued?.state).toBe('issued');
    return {
      knex,
      ca,
      app,
      lifecycle,
      requests,
      inventory,
      audit,
      policies,
      issued: issued as CertificateRequest,
      rowId: IssuedCertificateRecorder.rowId(issued as CertificateRequest),
    };
  }

  db.test(
    'revokes a portal certificate at the built-in CA: in its CRL, on its request and in the audit trail; bad input and repeats change nothing',
    async ({ harness }) => {
      const { app, ca, requests, audit, issued, rowId } = await setup(harness);
      const details = await detailsOf(app, rowId, 'dev');
      expect(details.status).toBe(200);
      expect(details.body.actions).toEqual({
        renew: { allowed: true },
        revoke: { allowed: true },
      });

      for (const body of [
        {},
        { reason: 'because' },
        { reason: 'superseded', comment: 'x'.repeat(501) },
        { reason: 'superseded', comment: 7 },
      ]) {
        const bad = await revoke(app, rowId, 'dev').send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(
          /^Invalid body: (reason|comment): /,
        );
      }
      const refusals = [
        ['eve', 403],
        ['olga', 403],
        ['mallory', 404],
      ] as const;
      for (const [who, status] of refusals) {
        const refused = await revoke(app, rowId, who).send({
          reason: 'superseded',
        });
        expect({ who, status: refused.status }).toEqual({ who, status });
      }
      expect((await requests.get(issued.id))?.revokedAt).toBeUndefined();
      expect(new x509.X509Crl(await ca.crl()).entries).toHaveLength(0);

      const revoked = await revoke(app, rowId, 'dev').send({
        reason: 'keyCompromise',
        comment: 'key in a public repo',
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.request).toMatchObject({
        id: issued.id,
        state: 'issued',
        revocationReason: 'keyCompromise',
      });
      expect(revoked.body.request.revokedAt).toBeDefined();
      const crl = new x509.X509Crl(await ca.crl());
      expect(crl.entries.map(e => e.serialNumber.toUpperCase())).toEqual([
        issued.serialNumber!.toUpperCase(),
      ]);
      expect(crl.entries[0].reason).toBe(x509.X509CrlReason.keyCompromise);
      const trail = await audit.list({
        requestId: issued.id,
        limit: 50,
      } as any);
      const record = (trail as any).items.find(
        (a: any) => a.action === 'revoked',
      );
      expect(record).toMatchObject({
        actor: 'user:default/dev',
        outcome: 'success',
        certificateId: rowId,
      });
      expect(record.detail).toContain('keyCompromise: key in a public repo');

      const again = await revoke(app, rowId, 'dev').send({
        reason: 'superseded',
      });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already revoked/);
      const renewal = await renew(app, rowId, 'dev');
      expect(renewal.status).toBe(409);
      expect(renewal.body.error.message).toBe('It was revoked.');
      const after = await detailsOf(app, rowId, 'dev');
      expect(after.body.actions.revoke.allowed).toBe(false);
    },
  );

  db.test(
    'records nothing when the issuer fails to revoke, and revokes on a retry',
    async ({ harness }) => {
      const { app, ca, requests, audit, issued, rowId } = await setup(harness);
      const spy = jest
        .spyOn(ca, 'revoke')
        .mockRejectedValueOnce(new Error('CA database unavailable'));
      const failed = await revoke(app, rowId, 'dev').send({
        reason: 'superseded',
      });
      expect(failed.status).toBe(503);
      expect(failed.body.error.message).toMatch(
        /could not revoke the certificate, nothing was recorded: CA database unavailable/,
      );
      const stored = await requests.get(issued.id);
      expect(stored?.revokedAt).toBeUndefined();
      expect(stored?.revocationReason).toBeUndefined();
      expect(new x509.X509Crl(await ca.crl()).entries).toHaveLength(0);
      const trail = (await audit.list({
        requestId: issued.id,
        limit: 50,
      } as any)) as any;
      expect(
        trail.items
          .filter((a: any) => a.action === 'revoked')
          .map((a: any) => a.outcome),
      ).toEqual(['failure']);

      spy.mockRestore();
      const retried = await revoke(app, rowId, 'dev').send({
        reason: 'superseded',
      });
      expect(retried.status).toBe(200);
      expect(retried.body.request.revocationReason).toBe('superseded');
      expect(
        new x509.X509Crl(await ca.crl()).entries.map(e =>
          e.serialNumber.toUpperCase(),
        ),
      ).toEqual([issued.serialNumber!.toUpperCase()]);
    },
  );

  db.test(
    'renews a portal certificate with a renewal request that needs no new approval, with the same names and key',
    async ({ harness }) => {
      const { app, requests, audit, policies, issued, rowId } = await setup(
        harness,
      );
      // The policy now wants approval for new requests; a renewal with the
      // same names still passes it, so it needs none.
      policies[0].autoApprove = false;
      policies[0].approvals = { approvers: ['group:default/security'] };
      expect((await renew(app, rowId, 'eve')).status).toBe(403);
      const renewed = await renew(app, rowId, 'dev');
      expect(renewed.status).toBe(201);
      expect(renewed.body.outcome).toBe('renewal-requested');
      const renewal = renewed.body.request as CertificateRequest;
      expect(renewal).toMatchObject({
        renewalOf: issued.id,
        state: 'issued',
        requester: 'user:default/dev',
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com'],
        issuer: 'builtin',
      });
      expect(renewal.serialNumber).not.toBe(issued.serialNumber);
      // The same CSR, so the same public key.
      const key = async (id: string) =>
        new x509.X509Certificate((await requests.getChainPem(id))!).publicKey
          .rawData;
      expect(Buffer.from(await key(renewal.id))).toEqual(
        Buffer.from(await key(issued.id)),
      );
      const trail = (await audit.list({
        requestId: issued.id,
        limit: 50,
      } as any)) as any;
      expect(trail.items.map((a: any) => a.action)).toContain('renewed');

      // A renewal of the renewal keeps the lineage's first request.
      const renewalRow = IssuedCertificateRecorder.rowId(renewal);
      const second = await renew(app, renewalRow, 'dev');
      expect(second.status).toBe(201);
      expect(second.body.request.renewalOf).toBe(issued.id);

      // The superseded certificate points at the newest one.
      const superseded = await renew(app, rowId, 'dev');
      expect(superseded.status).toBe(409);
      expect(superseded.body.error.message).toBe(
        `It was renewed since: request ${second.body.request.id} is newer; renew that one.`,
      );

      // Names no longer allowed: no renewal, nothing stored.
      policies[0].allowedDnsNames = ['other.example.com'];
      const before = (await requests.list({ limit: 200 } as any)).items.length;
      const newest = IssuedCertificateRecorder.rowId(second.body.request);
      const refused = await renew(app, newest, 'dev');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/policy no longer allows/);
      expect((await requests.list({ limit: 200 } as any)).items).toHaveLength(
        before,
      );
    },
  );

  db.test(
    'makes one renewal of two at once, and the database refuses a second open renewal of a lineage',
    async ({ harness }) => {
      const { app, requests, issued, rowId } = await setup(harness);
      const [a, b] = await Promise.all(
        [1, 2].map(() => renew(app, rowId, 'dev')),
      );
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const renewals = (
        await requests.list({ limit: 200 } as any)
      ).items.filter(r => r.renewalOf === issued.id);
      expect(renewals).toHaveLength(1);

      // Another backend instance: no shared lock, the unique index holds.
      const open = {
        ...issued,
        id: undefined,
        state: 'pending' as const,
        renewalOf: issued.id,
        serialNumber: undefined,
        certificateId: undefined,
      };
      await requests.create(open as any);
      const error = await requests.create(open as any).then(
        () => undefined,
        e => e,
      );
      expect(['23505', 'SQLITE_CONSTRAINT_UNIQUE']).toContain(error?.code);
    },
  );

  db.test(
    'renews automatically after two thirds of the lifetime, once per lineage, never a revoked one',
    async ({ harness }) => {
      let clock = Date.now();
      const now = () => new Date(clock);
      const { app, lifecycle, requests, issued, rowId } = await setup(harness, {
        now,
      });
      const credentials = mockCredentials.service('plugin:certificates');
      const due = Date.parse(issued.notAfter!) - 10 * 24 * 3600e3;
      clock = due - 60_000;
      expect(await lifecycle.renewDue({ credentials })).toEqual({
        renewed: 0,
        failed: 0,
      });
      clock = due;
      expect(await lifecycle.renewDue({ credentials })).toEqual({
        renewed: 1,
        failed: 0,
      });
      const all = (await requests.list({ limit: 200 } as any)).items;
      const renewal = all.find(r => r.renewalOf === issued.id)!;
      expect(renewal).toMatchObject({
        requester: 'plugin:certificates',
        state: 'issued',
        dnsNames: issued.dnsNames,
      });
      // Issued "now", so it is not due itself; the original has a newer one.
      expect(await lifecycle.renewDue({ credentials })).toEqual({
        renewed: 0,
        failed: 0,
      });
      expect((await requests.list({ limit: 200 } as any)).items).toHaveLength(
        all.length,
      );

      // Revoke the renewal: once due, nothing renews a revoked certificate,
      // and the original stays superseded by it.
      const renewalRow = IssuedCertificateRecorder.rowId(renewal);
      expect(
        (await revoke(app, renewalRow, 'dev').send({ reason: 'keyCompromise' }))
          .status,
      ).toBe(200);
      clock = Date.parse(renewal.notAfter!) - 24 * 3600e3;
      expect(await lifecycle.renewDue({ credentials })).toEqual({
        renewed: 0,
        failed: 0,
      });
      expect(rowId).not.toBe(renewalRow);
    },
  );

  db.test(
    'says why a discovered certificate cannot be renewed or revoked from the portal',
    async ({ harness }) => {
      const { app, inventory } = await setup(harness);
      const row = testRow({
        name: 'found',
        entityRef: 'component:team-pay/payments',
        ownerRef: 'group:team-pay/payments-team',
      });
      await inventory.upsertCertificates([row], new Date().toISOString());
      const details = await detailsOf(app, row.id, 'dev');
      expect(details.body.actions.revoke).toEqual({
        allowed: false,
        reason:
          'It was not issued through the portal: revoke it with the CA that issued it.',
      });
      expect(details.body.actions.renew.allowed).toBe(false);
      const revoked = await revoke(app, row.id, 'dev').send({
        reason: 'superseded',
      });
      expect(revoked.status).toBe(409);
      expect((await renew(app, 'nope', 'dev')).status).toBe(404);
    },
  );
});

describe('LifecycleService: cert-manager renewal through the cluster', () => {
  let sim: KubernetesApiSimulator;
  const webCertificate = (namespace: string) =>
    sim.get('cert-manager.io/v1', 'Certificate', namespace, 'web')!;
  afterEach(async () => sim?.stop());

  function managedRow(): CertificateDetails {
    const row = testRow({ name: 'web-tls', cluster: 'prod' });
    return {
      id: row.id,
      cluster: 'prod',
      namespace: row.namespace,
      secretName: row.secretName,
      entityRef: 'component:default/web',
      certManager: {
        name: 'web',
        namespace: row.namespace,
        issuerRef: { name: 'corp', kind: 'ClusterIssuer' },
      },
    } as unknown as CertificateDetails;
  }

  async function setup(token?: string) {
    sim = await KubernetesApiSimulator.start({ clusterName: 'prod' });
    const row = managedRow();
    const { lifecycle, records } = certManagerOnlyLifecycle({
      sim,
      token,
      row,
      certificate: { name: 'web', dnsNames: ['web.example.com'] },
      permissions: permissionsMock(),
    });
    return { lifecycle, row, records };
  }

  it('sets the Issuing condition as cmctl renew does, once', async () => {
    const { lifecycle, row, records } = await setup();
    expect(await lifecycle.renew(row.id, callerOf('dev'))).toEqual({
      outcome: 'cert-manager-reissuing',
    });
    const cert = webCertificate(row.namespace);
    expect((cert as any).status.conditions).toEqual([
      { type: 'Ready', status: 'True', reason: 'Ready' },
      expect.objectContaining({
        type: 'Issuing',
        status: 'True',
        reason: 'ManuallyTriggered',
        message: expect.stringContaining('user:default/dev'),
      }),
    ]);
    expect(records).toEqual([
      expect.objectContaining({ action: 'renewed', certificateId: row.id }),
    ]);
    await expect(lifecycle.renew(row.id, callerOf('dev'))).rejects.toThrow(
      /already issuing/,
    );
  });

  it('says which RBAC is missing when the cluster refuses', async () => {
    const { lifecycle, row } = await (async () => {
      const s = await setup('read-only');
      sim.addToken('read-only', [
        { verbs: ['get', 'list', 'watch'], resources: ['*'] },
      ]);
      return s;
    })();
    await expect(lifecycle.renew(row.id, callerOf('dev'))).rejects.toThrow(
      /needs 'patch' on certificates\/status/,
    );
    const cert = webCertificate(row.namespace);
    expect((cert as any).status.conditions).toHaveLength(1);
  });
});
