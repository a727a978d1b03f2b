import 'reflect-metadata';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificateRequest,
  OwnershipEntity,
  REQUEST_ID_LABEL,
} from '@kubecerts/backstage-plugin-certificates-common';
import * as x509 from '@peculiar/x509';
import { Knex } from 'knex';
import request from 'supertest';
import {
  createTestCa,
  databaseSuite,
  eventually,
  inventoryApp,
  newRequest,
} from '../__testUtils__';
import { DatabaseAuditLog } from '../audit';
import { KubernetesDelivery } from '../delivery/KubernetesDelivery';
import { certificateId, TrustStore } from '../inventory/parsing';
import { makeLeaf } from '../inventory/parsing/testPki';
import {
  certificateConditions,
  createCertificateConditionalDecision,
} from '../permissions';
import { DatabaseInventoryStore } from '../inventory/store';
import { IssuanceService } from '../issuing/IssuanceService';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import {
  KubernetesApiSimulator,
  tlsSecret,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DatabaseRequestStore } from '../requests';
import { LifecycleService, RenewalSubmitter } from './LifecycleService';
import { issuanceNoops } from '../issuing/__testUtils__/issuanceNoops';
import {
  FAST_SYNC,
  kubernetesIdEntity,
  simulatedRegistry,
  testDiscovery,
} from '../__testUtils__/discovery';

jest.setTimeout(120_000);

/** Alice is in payments (owner of payments-api), Carol in storefront (owner of checkout-web). */
const GROUPS: Record<string, string[]> = {
  alice: ['group:default/payments'],
  carol: ['group:default/storefront'],
};

const ENTITIES: OwnershipEntity[] = [
  kubernetesIdEntity('payments-api', 'group:default/payments'),
  kubernetesIdEntity('checkout-web', 'group:default/storefront'),
];

const TARGET = {
  kind: 'secret' as const,
  cluster: 'prod',
  namespace: 'payments',
  secretName: 'payments-tls',
};

const userOf = (credentials?: BackstageCredentials) =>
  (credentials?.principal as BackstageUserPrincipal).userEntityRef;
const claimsOf = (userEntityRef: string) => [
  userEntityRef,
  ...(GROUPS[userEntityRef.split('/')[1]] ?? []),
];

/**
 * Permissions as a policy would give them: everyone reads; renew and revoke
 * only for the certificate's owners (`owners`), or for everyone (`all`, the
 * backend's own rules must hold whatever the policy says).
 */
function permissionsFor(mode: 'owners' | 'all'): PermissionsService {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(async (reqs, opts) => {
    const permission = (reqs[0] as any).permission;
    if (mode === 'all' || permission.name === 'certificates.certificate.read') {
      return [{ result: AuthorizeResult.ALLOW }];
    }
    return [
      createCertificateConditionalDecision(permission, {
        anyOf: [
          certificateConditions.isEntityOwner({
            claims: claimsOf(userOf(opts?.credentials)),
          }),
        ],
      }),
    ] as any;
  });
  return permissions;
}

describe('a discovered certificate is a portal request’s only when it proves it', () => {
  const db = databaseSuite();
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(knex: Knex) {
    const sim = await KubernetesApiSimulator.start({
      clusterName: 'prod',
      historyTtlMs: 60_000,
    });
    cleanups.push(() => sim.stop());
    for (const name of ['payments', 'storefront']) {
      sim.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    const logger = mockServices.logger.mock();
    const ca = await createTestCa(knex, { logger });
    const issuers = IssuerRegistry.create({ issuers: [ca] });
    const requests = DatabaseRequestStore.create({ knex });
    const inventory = DatabaseInventoryStore.create({ knex });
    const audit = DatabaseAuditLog.create({ knex });
    const clusters = simulatedRegistry({ prod: sim.kubeConfig() });
    const issuance = IssuanceService.create({
      ...issuanceNoops,
      store: requests,
      issuers,
      logger,
      audit,
      deliveries: KubernetesDelivery.create({ clusters, requests }).strategies,
    });

    // Alice's payments-api certificate, delivered by the portal.
    const approved = await requests.create(
      newRequest({
        entityRef: 'component:default/payments-api',
        ownerRef: 'group:default/payments',
        requesterIsOwner: true,
        commonName: 'payments-api.shop.example.com',
        dnsNames: ['payments-api.shop.example.com'],
        delivery: TARGET,
      }),
    );
    const alices = await issuance.issueApproved(approved.id);
    expect(alices.state).toBe('issued');
    const delivered = sim.get(
      'v1',
      'Secret',
      'payments',
      'payments-tls',
    ) as any;
    expect(delivered.metadata.labels[REQUEST_ID_LABEL]).toBe(alices.id);

    const discovery = testDiscovery({
      clusters,
      store: inventory,
      logger,
      trust: TrustStore.fromPems([ca.rootCertificatePem]),
      loadEntities: async () => ENTITIES,
      sync: { ...FAST_SYNC, pageSize: 50 },
    });
    await discovery.start();
    cleanups.push(() => discovery.stop());

    const renewals: string[] = [];
    const submitter: RenewalSubmitter = {
      // Stores the renewal as request submission would (pending here).
      async submit(input, caller, options) {
        const { csr, ...delivery } = input.delivery;
        const renewal = await requests.create({
          ...input,
          delivery,
          ipAddresses: input.ipAddresses ?? [],
          uris: input.uris ?? [],
          clientAuth: !!input.clientAuth,
          ownerRef: 'group:default/payments',
          requester: caller.userEntityRef,
          policyName: 'services',
          approvalsRequired: 1,
          approvers: [],
          state: 'pending',
          renewalOf: options.renewalOf,
        });
        renewals.push(renewal.id);
        return { request: renewal, result: { ok: true, violations: [] } };
      },
    };
    const lifecycleWith = (
      mode: 'owners' | 'all',
      rows: Pick<typeof inventory, 'getCertificate'> = inventory,
    ) =>
      LifecycleService.create({
        knex,
        inventory: rows,
        requests,
        issuers,
        submitter,
        clusters,
        permissions: permissionsFor(mode),
        audit,
        logger,
      });
    const router = (mode: 'owners' | 'all') => {
      const permissions = permissionsFor(mode);
      const lifecycle = LifecycleService.create({
        knex,
        inventory,
        requests,
        issuers,
        submitter,
        clusters,
        permissions,
        audit,
        logger,
      });
      return inventoryApp({
        store: inventory,
        userInfo: {
          async getUserInfo(credentials) {
            const user = userOf(credentials);
            return {
              userEntityRef: user,
              ownershipEntityRefs: claimsOf(user),
            };
          },
        },
        permissions,
        lifecycle,
      });
    };
    const as = (name: string) =>
      mockCredentials.user.header(`user:default/${name}`);
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    const counts = async () => ({
      requests: await count('certificates_requests'),
      issued: await count('certificates_ca_issued'),
      revoked: Number(
        (
          await knex('certificates_ca_issued')
            .whereNotNull('revoked_at')
            .count({ n: '*' })
        )[0].n,
      ),
      audit: await count('certificates_audit'),
      crl: new x509.X509Crl(await ca.crl()).entries.length,
    });
    const rowOf = (namespace: string, name: string) =>
      certificateId('prod', namespace, name);
    const discovered = (...ids: string[]) =>
      eventually(async () => {
        expect((await inventory.getRows(ids)).length).toBe(ids.length);
      });
    return {
      sim,
      ca,
      lifecycleWith,
      knex,
      requests,
      inventory,
      alices,
      delivered,
      router,
      as,
      counts,
      rowOf,
      discovered,
      renewals,
    };
  }

  db.test(
    'a Secret of another team labelled with the request id, or a copy of the certificate, is not linked: renew and revoke through it are refused and change nothing',
    async ({ knex }) => {
      const { sim, requests, alices, delivered, router, as, counts, rowOf } =
        await setup(knex);
      const other = await makeLeaf({ dnsNames: ['checkout.shop.example.com'] });
      const forgedLabels = {
        'backstage.io/kubernetes-id': 'checkout-web',
        [REQUEST_ID_LABEL]: alices.id,
      };
      sim.apply(
        tlsSecret({
          namespace: 'storefront',
          name: 'checkout-tls',
          labels: forgedLabels,
          certPem: other.certPem,
          keyPem: other.keyPem,
        }),
      );
      // Alice's certificate (public) copied next to it, with the same label.
      sim.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          namespace: 'storefront',
          name: 'stolen-tls',
          labels: forgedLabels,
        },
        data: {
          'tls.crt': delivered.data['tls.crt'],
          'tls.key': Buffer.from(other.keyPem).toString('base64'),
        },
      });
      const forged = rowOf('storefront', 'checkout-tls');
      const copy = rowOf('storefront', 'stolen-tls');
      const genuine = rowOf('payments', 'payments-tls');
      await eventually(async () => {
        const res = await request(router('all'))
          .get('/certificates')
          .set('Authorization', as('carol'));
        expect(res.body.items.map((i: any) => i.id).sort()).toEqual(
          [forged, copy, genuine].sort(),
        );
      });

      for (const mode of ['all', 'owners'] as const) {
        const app = router(mode);
        for (const id of [forged, copy]) {
          const details = await request(app)
            .get(`/certificates/${id}`)
            .set('Authorization', as('carol'));
          expect(details.status).toBe(200);
          expect(details.body.requestId).toBeUndefined();
          expect(details.body.claimedRequestId).toBe(alices.id);
          expect(details.body.ownership.entityRef).toBe(
            'component:default/checkout-web',
          );
          expect(details.body.actions.renew.allowed).toBe(false);
          expect(details.body.actions.revoke.allowed).toBe(false);
          expect(details.body.actions.revoke.reason).toMatch(
            `labelled with request ${alices.id}, but it does not hold the certificate`,
          );

          const before = await counts();
          const renew = await request(app)
            .post(`/certificates/${id}/renew`)
            .set('Authorization', as('carol'));
          expect([403, 404, 409]).toContain(renew.status);
          expect(renew.body.error.message).toMatch(
            `labelled with request ${alices.id}`,
          );
          const revoke = await request(app)
            .post(`/certificates/${id}/revoke`)
            .set('Authorization', as('carol'))
            .send({ reason: 'keyCompromise' });
          expect([403, 404, 409]).toContain(revoke.status);
          expect(await counts()).toEqual(before);
          const unchanged = await requests.get(alices.id);
          expect(unchanged?.revokedAt).toBeUndefined();
          expect(unchanged?.state).toBe('issued');
        }
      }
      const list = await request(router('all'))
        .get('/certificates')
        .set('Authorization', as('carol'));
      expect(
        list.body.items
          .filter((i: any) => i.requestId)
          .map((i: any) => [i.id, i.requestId]),
      ).toEqual([[genuine, alices.id]]);
    },
  );

  db.test(
    'renew and revoke check the link again: a row that names a request it does not prove gets neither',
    async ({ knex }) => {
      const { sim, inventory, lifecycleWith, alices, counts, rowOf } =
        await setup(knex);
      const other = await makeLeaf({ dnsNames: ['checkout.shop.example.com'] });
      sim.apply(
        tlsSecret({
          namespace: 'storefront',
          name: 'checkout-tls',
          labels: { 'backstage.io/kubernetes-id': 'checkout-web' },
          certPem: other.certPem,
          keyPem: other.keyPem,
        }),
      );
      const id = rowOf('storefront', 'checkout-tls');
      await eventually(async () => {
        expect(await inventory.getCertificate(id)).toBeDefined();
      });
      // An inventory that links by label, as it once did.
      const lifecycle = lifecycleWith('all', {
        getCertificate: async (rowId, filter) => {
          const row = await inventory.getCertificate(rowId, filter);
          return row && { ...row, requestId: alices.id };
        },
      });
      const carol = {
        credentials: mockCredentials.user('user:default/carol'),
        userEntityRef: 'user:default/carol',
      };
      const row = (await inventory.getCertificate(id))!;
      expect(
        await lifecycle.actionsFor({ ...row, requestId: alices.id }, carol),
      ).toMatchObject({
        renew: { allowed: false },
        revoke: { allowed: false },
      });
      const before = await counts();
      await expect(lifecycle.renew(id, carol)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(`labelled with request ${alices.id}`),
      });
      await expect(
        lifecycle.revoke(id, { reason: 'keyCompromise' }, carol),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(await counts()).toEqual(before);
    },
  );

  db.test(
    "the Secret the portal delivered stays linked: its owners renew and revoke it, decided on the request's entity, not the Secret's labels",
    async ({ knex }) => {
      const bed = await setup(knex);
      const genuine = bed.rowOf('payments', 'payments-tls');
      await bed.discovered(genuine);
      const app = bed.router('owners');
      const details = await request(app)
        .get(`/certificates/${genuine}`)
        .set('Authorization', bed.as('alice'));
      expect(details.body).toMatchObject({
        requestId: bed.alices.id,
        actions: { renew: { allowed: true }, revoke: { allowed: true } },
      });
      expect(details.body.claimedRequestId).toBeUndefined();

      // Relabelled for checkout-web: the row's owner changes, the request's
      // does not, and only the request's owners may act.
      bed.sim.apply({
        ...bed.delivered,
        metadata: {
          ...bed.delivered.metadata,
          resourceVersion: undefined,
          labels: {
            ...bed.delivered.metadata.labels,
            'backstage.io/kubernetes-id': 'checkout-web',
          },
        },
      });
      await eventually(async () => {
        const res = await request(app)
          .get(`/certificates/${genuine}`)
          .set('Authorization', bed.as('carol'));
        expect(res.body.ownership.entityRef).toBe(
          'component:default/checkout-web',
        );
        expect(res.body.requestId).toBe(bed.alices.id);
        expect(res.body.actions).toEqual({
          renew: {
            allowed: false,
            reason: 'You may not renew this certificate.',
          },
          revoke: {
            allowed: false,
            reason: 'You may not revoke this certificate.',
          },
        });
      });
      const before = await bed.counts();
      for (const [verb, body] of [
        ['renew', undefined],
        ['revoke', { reason: 'keyCompromise' }],
      ] as const) {
        const refused = await request(app)
          .post(`/certificates/${genuine}/${verb}`)
          .set('Authorization', bed.as('carol'))
          .send(body);
        expect(refused.status).toBe(403);
      }
      expect(await bed.counts()).toEqual(before);

      const renewed = await request(app)
        .post(`/certificates/${genuine}/renew`)
        .set('Authorization', bed.as('alice'));
      expect(renewed.status).toBe(201);
      expect(renewed.body.request).toMatchObject({
        renewalOf: bed.alices.id,
        entityRef: 'component:default/payments-api',
        requester: 'user:default/alice',
        delivery: TARGET,
      });
      expect(bed.renewals).toEqual([renewed.body.request.id]);

      const revoked = await request(app)
        .post(`/certificates/${genuine}/revoke`)
        .set('Authorization', bed.as('alice'))
        .send({ reason: 'keyCompromise' });
      expect(revoked.status).toBe(200);
      expect((await bed.requests.get(bed.alices.id))?.revocationReason).toBe(
        'keyCompromise',
      );
      expect(
        new x509.X509Crl(await bed.ca.crl()).entries.map(e =>
          e.serialNumber.toUpperCase(),
        ),
      ).toEqual([
        (bed.alices as CertificateRequest).serialNumber!.toUpperCase(),
      ]);
    },
  );
});
