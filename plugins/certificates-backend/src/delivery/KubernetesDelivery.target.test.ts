import { simulatedClusters, withCorpCa } from './__testUtils__/deliverySetup';
import { mountRequestsRouter } from '../requests/__testUtils__/mountRequestsRouter';
import { simulatorWithNamespaces } from '../__testUtils__/simulator';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  DeliveryKind,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseAuditLog } from '../audit';
import { applyDatabaseMigrations } from '../database';
import { IssuanceService } from '../issuing';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  DatabaseRequestStore,
  RequestService,
  RequestValidator,
} from '../requests';
import { NewRequest } from '../requests/RequestStore';
import {
  KubernetesDelivery,
  pendingKeySecretName,
  REQUEST_ID_LABEL,
} from './KubernetesDelivery';
import { silentNotifier } from '../__testUtils__/noops';
import { ALICE, CAROL, createTestCa, testDatabases } from '../__testUtils__';
import { issuanceNoops } from '../issuing/__testUtils__/issuanceNoops';

const GROUPS: Record<string, string> = {
  [ALICE]: 'group:default/payments',
  [CAROL]: 'group:default/storefront',
};

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const ref = (credentials.principal as BackstageUserPrincipal).userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: [ref, GROUPS[ref]] };
  },
};

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner },
});

/** Both teams may deliver into the shared namespace `payments`. */
const policy = (name: string, owner: string): CertificatePolicy => ({
  name,
  selector: { owner: [owner] },
  allowedDnsNames: ['{{entity.name}}.shop.example.com'],
  autoApprove: true,
  deliveries: ['secret', 'cert-manager'],
  allowedClusters: ['sim'],
  allowedNamespaces: ['payments'],
});

function body(
  kind: DeliveryKind,
  overrides: { entity?: string; secretName?: string } = {},
) {
  const entity = overrides.entity ?? 'payments-api';
  return {
    entityRef: `component:default/${entity}`,
    commonName: `${entity}.shop.example.com`,
    dnsNames: [`${entity}.shop.example.com`],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: kind === 'cert-manager' ? 'cm' : 'builtin',
    delivery: {
      kind,
      cluster: 'sim',
      namespace: 'payments',
      secretName: overrides.secretName ?? 'payments-tls',
    },
  };
}

const secret = (name: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'payments', labels },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' },
});

describe('delivery never takes over a Secret the portal did not create', () => {
  const databases = testDatabases();
  let simulator: KubernetesApiSimulator;

  beforeEach(async () => {
    simulator = await simulatorWithNamespaces();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    options: {
      knex?: Knex;
      user?: string;
      token?: string;
      validationTimeoutMs?: number;
    } = {},
  ) {
    const knex = options.knex ?? (await databases.init(databaseId));
    await applyDatabaseMigrations({ knex });
    const logger = mockServices.logger.mock();
    const ca = await createTestCa(knex, { logger });
    const issuers = withCorpCa(ca);
    const store = DatabaseRequestStore.create({ knex });
    const audit = DatabaseAuditLog.create({ knex });
    const kubernetes = KubernetesDelivery.create({
      clusters: simulatedClusters(simulator, options.token),
      requests: store,
      validationTimeoutMs: options.validationTimeoutMs,
    });
    const validator = RequestValidator.create({
      issuers,
      catalog: catalogServiceMock({
        entities: [
          component('payments-api', 'group:default/payments'),
          component('checkout-web', 'storefront'),
        ],
      }),
      auth: mockServices.auth(),
      policies: [
        policy('payments', 'group:default/payments'),
        policy('storefront', 'group:default/storefront'),
      ],
      clusterNames: () => ['sim'],
      deliveryTarget: kubernetes.targets,
    });
    const issuance = IssuanceService.create({
      ...issuanceNoops,
      store,
      issuers,
      logger,
      audit,
      deliveries: kubernetes.strategies,
      recheck: validator.recheck,
    });
    const service = RequestService.create({
      store,
      validator,
      issuance,
      audit,
      logger,
      userInfo,
      notifier: silentNotifier(),
    });
    const app = await mountRequestsRouter({
      user: options.user ?? ALICE,
      logger,
      requests: {
        userInfo,
        permissions: mockServices.permissions({
          result: AuthorizeResult.ALLOW,
        }),
        service,
        store,
        audit,
      },
    });
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    const rows = async () => ({
      requests: await count('certificates_requests'),
      audit: await count('certificates_audit'),
      issued: await count('certificates_ca_issued'),
    });
    return { knex, app, store, issuance, kubernetes, service, rows };
  }

  /** Calls that changed something in the cluster since `from`. */
  const writesSince = (from: number) =>
    simulator
      .requests()
      .slice(from)
      .filter(r => !['GET', 'HEAD'].includes(r.method));

  /** Both routes answer 400 with the reason on `field`; nothing is stored or written. */
  async function expectRefused(
    app: express.Express,
    input: ReturnType<typeof body>,
    rows: () => Promise<unknown>,
    field: string,
    reason: RegExp,
  ) {
    const before = await rows();
    const log = simulator.requests().length;
    for (const path of ['/requests/validate', '/requests']) {
      const res = await request(app).post(path).send(input);
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual(
        expect.arrayContaining([
          { field, reason: expect.stringMatching(reason) },
        ]),
      );
    }
    expect(await rows()).toEqual(before);
    expect(writesSince(log)).toEqual([]);
  }

  it.each(databases.eachSupportedId())(
    'a delivery naming an existing unlabelled Secret is refused at submission: 400 with the reason, nothing stored, nothing written, %p',
    async databaseId => {
      const { app, rows } = await setup(databaseId);
      simulator.apply(secret('payments-tls'));
      for (const kind of ['cert-manager', 'secret'] as const) {
        await expectRefused(
          app,
          body(kind),
          rows,
          'delivery.secretName',
          /^Secret payments\/payments-tls in cluster sim already exists and was not created by the portal \(it carries no portal request label\)/,
        );
      }
      expect(
        simulator.get(
          'cert-manager.io/v1',
          'Certificate',
          'payments',
          'payments-tls',
        ),
      ).toBeUndefined();
      expect(
        simulator.get<any>('v1', 'Secret', 'payments', 'payments-tls')!.data[
          'tls.crt'
        ],
      ).toBe('AA==');
    },
  );

  it.each(databases.eachSupportedId())(
    "a label proves nothing by itself: a made-up request id, or another entity's real request copied onto the Secret, %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const carol = await setup(databaseId, { knex, user: CAROL });
      const alice = await setup(databaseId, { knex });
      // Carol's genuine delivery, into her own Secret.
      const issued = await request(carol.app)
        .post('/requests')
        .send(
          body('secret', {
            entity: 'checkout-web',
            secretName: 'checkout-tls',
          }),
        );
      expect(issued.status).toBe(201);
      expect(issued.body.state).toBe('issued');

      simulator.apply(
        secret('payments-tls', { [REQUEST_ID_LABEL]: 'made-up-request-id' }),
      );
      await expectRefused(
        alice.app,
        body('cert-manager'),
        alice.rows,
        'delivery.secretName',
        /its label names request made-up-request-id, which is not a portal request of component:default\/payments-api delivered to this Secret/,
      );
      const copied = simulator.get<any>(
        'v1',
        'Secret',
        'payments',
        'checkout-tls',
      )!.metadata.labels;
      simulator.apply(secret('payments-tls', copied));
      await expectRefused(
        alice.app,
        body('secret'),
        alice.rows,
        'delivery.secretName',
        /was not created by the portal/,
      );
      // And Carol may not point at the payments Secret either, through her own request's label.
      await expectRefused(
        carol.app,
        body('cert-manager', { entity: 'checkout-web' }),
        carol.rows,
        'delivery.secretName',
        /was not created by the portal/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "the Secret the portal delivered is re-used for the same entity only; another team's request to it is refused, %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const alice = await setup(databaseId, { knex });
      const carol = await setup(databaseId, { knex, user: CAROL });
      const first = await request(alice.app)
        .post('/requests')
        .send(body('secret'));
      expect(first.body).toMatchObject({ state: 'issued' });

      const again = await request(alice.app)
        .post('/requests/validate')
        .send(body('secret'));
      expect(again.status).toBe(200);
      const renewed = await alice.service.submit(
        body('secret') as Parameters<RequestService['submit']>[0],
        { credentials: mockCredentials.user(ALICE), userEntityRef: ALICE },
        { renewalOf: first.body.id },
      );
      expect(renewed.request).toMatchObject({
        state: 'issued',
        renewalOf: first.body.id,
      });
      expect(
        simulator.get<any>('v1', 'Secret', 'payments', 'payments-tls')!.metadata
          .labels[REQUEST_ID_LABEL],
      ).toBe(renewed.request!.id);

      await expectRefused(
        carol.app,
        body('secret', { entity: 'checkout-web' }),
        carol.rows,
        'delivery.secretName',
        /which is not a portal request of component:default\/checkout-web delivered to this Secret/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "another cert-manager Certificate writing the Secret is refused; the portal's own Certificate is continued by its lineage only, %p",
    async databaseId => {
      const { app, rows, service } = await setup(databaseId);
      simulator.apply({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'legacy', namespace: 'payments' },
        spec: { secretName: 'legacy-tls', issuerRef: { name: 'other' } },
      });
      for (const kind of ['cert-manager', 'secret'] as const) {
        await expectRefused(
          app,
          body(kind, { secretName: 'legacy-tls' }),
          rows,
          'delivery.secretName',
          /^cert-manager Certificate payments\/legacy in cluster sim already writes Secret legacy-tls and is not this certificate's own/,
        );
      }

      // The portal's own Certificate, and the Secret cert-manager wrote for it.
      const first = await request(app)
        .post('/requests')
        .send(body('cert-manager'));
      expect(first.body).toMatchObject({ state: 'issuing' });
      const certificate = simulator.get<any>(
        'cert-manager.io/v1',
        'Certificate',
        'payments',
        'payments-tls',
      )!;
      simulator.apply(
        secret('payments-tls', certificate.spec.secretTemplate.labels),
      );

      const renewal = await service.submit(
        body('cert-manager') as Parameters<RequestService['submit']>[0],
        { credentials: mockCredentials.user(ALICE), userEntityRef: ALICE },
        { renewalOf: first.body.id },
      );
      expect(renewal.result.violations).toEqual([]);
      expect(
        simulator.get<any>(
          'cert-manager.io/v1',
          'Certificate',
          'payments',
          'payments-tls',
        )!.metadata.labels[REQUEST_ID_LABEL],
      ).toBe(renewal.request!.id);
      // A new lineage does not take the Certificate over.
      await expectRefused(
        app,
        body('cert-manager'),
        rows,
        'delivery.secretName',
        /Certificate payments\/payments-tls in cluster sim already writes Secret payments-tls and is not this certificate's own/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'a cluster that does not answer, or may not be read, gives a violation in time instead of a hang or a 500, %p',
    async databaseId => {
      simulator.addToken('secrets-only', [
        { verbs: ['*'], resources: ['secrets'] },
      ]);
      const knex = await databases.init(databaseId);
      const forbidden = await setup(databaseId, {
        knex,
        token: 'secrets-only',
      });
      await expectRefused(
        forbidden.app,
        body('cert-manager'),
        forbidden.rows,
        'delivery.cluster',
        /^cannot check cluster sim: HTTP 403/,
      );

      const slow = await setup(databaseId, { knex, validationTimeoutMs: 300 });
      await simulator.setDown('hang');
      const started = Date.now();
      const res = await request(slow.app)
        .post('/requests/validate')
        .send(body('secret'));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual([
        {
          field: 'delivery.cluster',
          reason: 'cannot check cluster sim: no answer within 300 ms',
        },
      ]);
      await simulator.setDown(false);
    },
  );

  it.each(databases.eachSupportedId())(
    "a target that becomes someone else's Secret between the check at submission and the write answers 409; the request is stored failed and audited, nothing written, %p",
    async databaseId => {
      const { knex, app, kubernetes, rows } = await setup(databaseId);
      const cluster = simulator;
      const check = kubernetes.targets.violations.bind(kubernetes.targets);
      /** The Secret appears right after the check at submission passed. */
      const appearsAfterCheck = (target: string) =>
        jest
          .spyOn(kubernetes.targets, 'violations')
          .mockImplementationOnce(async r => {
            const verdict = await check(r);
            cluster.apply(secret(target));
            return verdict;
          });
      for (const kind of ['cert-manager', 'secret'] as const) {
        const target = `${kind}-raced-tls`;
        appearsAfterCheck(target);
        const before = await rows();
        const log = simulator.requests().length;
        const res = await request(app)
          .post('/requests')
          .send(body(kind, { secretName: target }));
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({
          name: 'ConflictError',
          message: expect.stringMatching(
            new RegExp(
              `Secret payments/${target} in cluster sim already exists and was not created by the portal`,
            ),
          ),
        });
        const stored = await knex('certificates_requests').where({
          delivery_secret_name: target,
        });
        expect(stored.map(r => r.state)).toEqual(['failed']);
        const trail = await knex('certificates_audit')
          .where({ request_id: stored[0].id })
          .orderBy('seq');
        expect(trail.map(r => [r.action, r.outcome])).toEqual([
          ['created', 'success'],
          ['issuing', 'success'],
          ['failed', 'failure'],
        ]);
        expect(await rows()).toEqual({
          ...before,
          requests: before.requests + 1,
          audit: before.audit + 3,
        });
        expect(writesSince(log)).toEqual([]);
        expect(
          simulator.get<any>('v1', 'Secret', 'payments', target)!.data[
            'tls.crt'
          ],
        ).toBe('AA==');
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'a Secret that appears after submission is refused just before writing: the request fails with the reason, audited, nothing written, %p',
    async databaseId => {
      const { knex, store, issuance, kubernetes } = await setup(databaseId);
      const approved = (
        kind: DeliveryKind,
        secretName: string,
      ): NewRequest => ({
        entityRef: 'component:default/payments-api',
        requester: ALICE,
        requesterIsOwner: true,
        policyName: 'payments',
        approvalsRequired: 1,
        approvers: [],
        commonName: 'payments-api.shop.example.com',
        dnsNames: ['payments-api.shop.example.com'],
        ipAddresses: [],
        uris: [],
        keyAlgorithm: 'ECDSA-P256',
        validityDays: 30,
        issuer: kind === 'cert-manager' ? 'cm' : 'builtin',
        clientAuth: false,
        delivery: { kind, cluster: 'sim', namespace: 'payments', secretName },
        state: 'approved',
      });
      for (const kind of ['cert-manager', 'secret'] as const) {
        const target = `${kind}-late-tls`;
        const stored = await store.create(approved(kind, target));
        simulator.apply(secret(target));
        const log = simulator.requests().length;

        const failed = await issuance.issueApproved(stored.id);
        const reason = `Secret payments/${target} in cluster sim already exists and was not created by the portal (it carries no portal request label); the portal never writes to it or points cert-manager at it`;
        expect(failed).toMatchObject({
          state: 'failed',
          failureReason: reason,
        });
        const trail = await knex('certificates_audit')
          .where({ request_id: stored.id })
          .orderBy('seq');
        expect(trail.map(r => [r.action, r.outcome, r.detail ?? null])).toEqual(
          [
            ['issuing', 'success', null],
            ['failed', 'failure', reason],
          ],
        );
        expect(writesSince(log)).toEqual([]);
        expect(
          simulator.get(
            'v1',
            'Secret',
            'payments',
            pendingKeySecretName(stored),
          ),
        ).toBeUndefined();
        expect(
          simulator.get(
            'cert-manager.io/v1',
            'Certificate',
            'payments',
            target,
          ),
        ).toBeUndefined();
        expect(
          simulator.get<any>('v1', 'Secret', 'payments', target)!.data[
            'tls.crt'
          ],
        ).toBe('AA==');
      }
      expect(
        await knex('certificates_ca_issued')
          .count({ n: '*' })
          .then(r => Number(r[0].n)),
      ).toBe(0);

      // The delivery itself refuses with a ConflictError (409).
      const [request1] = await store.listByIds([
        (
          await knex('certificates_requests')
            .where({ delivery_kind: 'cert-manager' })
            .first('id')
        ).id,
      ]);
      await expect(
        kubernetes.strategies['cert-manager'].deliver(request1, {
          certManagerIssuer: {
            id: 'cm',
            cluster: 'sim',
            name: 'corp-ca',
            kind: 'ClusterIssuer',
          },
          sign: async () => {
            throw new Error('cert-manager signs in the cluster');
          },
          recordPendingKey: async () => undefined,
        }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(/was not created by the portal/),
      });
    },
  );
});
