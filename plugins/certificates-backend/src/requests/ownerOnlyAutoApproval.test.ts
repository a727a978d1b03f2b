import {
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  CertificateDetails,
  CertificateRequest,
  isEntityOwnedBy,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import { Knex } from 'knex';
import { createHash, X509Certificate } from 'node:crypto';
import request from 'supertest';
import { DatabaseAuditLog } from '../audit';
import { ConfigClusterRegistry } from '../clusters/ClusterRegistry';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { createInventoryRouter } from '../inventory/router';
import { IssuerRegistry } from '../issuing/IssuerRegistry';
import { LifecycleService } from '../lifecycle/LifecycleService';
import {
  ALICE,
  CAROL,
  checkoutWeb,
  csrInput,
  GROUPS,
  paymentsApi,
  paymentsPolicy,
  requestsApp,
  storefrontPolicy,
  userInfo,
} from './__testUtils__/requestsApp';
import { testDatabases } from '../__testUtils__';

jest.setTimeout(90_000);

const databases = testDatabases();

const CAROLS_REASON =
  'requested by user:default/carol, who is not an owner of component:default/payments-api (owner group:default/payments)';

/**
 * The permission framework as deployed: the policy answers
 * certificates.request.create with the catalog's isEntityOwner condition
 * (the user's claims), and the catalog applies it to the entity named by
 * the request's resourceRef. Without a resourceRef nothing can be applied,
 * so the framework denies.
 */
function ownerOnlyCreatePolicy(entities: Entity[]) {
  const permissions = mockServices.permissions.mock();
  const seen: Array<{
    name: string;
    resourceType?: string;
    resourceRef?: string;
  }> = [];
  permissions.authorize.mockImplementation(async (queries, options) => {
    const principal = options?.credentials.principal as BackstageUserPrincipal;
    const claims = [
      principal.userEntityRef,
      ...(GROUPS[principal.userEntityRef] ?? []),
    ];
    return queries.map(query => {
      const { permission } = query;
      const resourceRef =
        'resourceRef' in query ? query.resourceRef : undefined;
      seen.push({
        name: permission.name,
        resourceType: isResourcePermission(permission)
          ? permission.resourceType
          : undefined,
        resourceRef,
      });
      if (permission.name !== 'certificates.request.create') {
        return { result: AuthorizeResult.ALLOW };
      }
      const entity = resourceRef
        ? entities.find(
            e =>
              stringifyEntityRef(e) ===
              stringifyEntityRef(parseEntityRef(resourceRef)),
          )
        : undefined;
      return {
        result:
          entity && isEntityOwnedBy(claims, entity)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    });
  });
  permissions.authorizeConditional.mockResolvedValue([
    { result: AuthorizeResult.ALLOW },
  ]);
  return { permissions: permissions as unknown as PermissionsService, seen };
}

describe("attack 1: only the entity's owners are approved automatically", () => {
  let csrPem: string;

  beforeAll(async () => {
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments-api.shop.example.com',
      dnsNames: ['payments-api.shop.example.com'],
    }));
  });

  it.each(databases.eachSupportedId())(
    "attack 1: Carol (storefront) asks for payments-api with a request its policy approves by itself: stored pending as a non-owner's, nothing issued, chain.pem 404, %p",
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const carol = await requestsApp(knex, { user: CAROL });
      const before = await carol.counts();

      const res = await carol.submit(csrInput(csrPem));

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'pending',
        requester: CAROL,
        requesterIsOwner: false,
        ownerRef: 'group:default/payments',
        policyName: 'payments',
        pendingReason: CAROLS_REASON,
        approvers: ['group:default/security'],
      });
      expect(res.body.serialNumber).toBeUndefined();
      expect(carol.signSpy).not.toHaveBeenCalled();
      expect(carol.issueSpy).not.toHaveBeenCalled();
      // One request and its "created" record; no certificate.
      expect(await carol.counts()).toEqual({
        requests: before.requests + 1,
        audit: before.audit + 1,
        issued: before.issued,
      });
      const row = await knex('certificates_requests')
        .where({ id: res.body.id })
        .first();
      expect(Boolean(row.requester_is_owner)).toBe(false);
      expect(row.state).toBe('pending');
      expect(row.chain_pem).toBeNull();

      const chain = await request(carol.app).get(
        `/requests/${res.body.id}/chain.pem`,
      );
      expect(chain.status).toBe(404);
      expect(chain.text).not.toContain('BEGIN CERTIFICATE');
      const detail = await request(carol.app).get(`/requests/${res.body.id}`);
      expect(detail.body.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
      });
      expect(
        detail.body.audit.map((a: { action: string }) => a.action),
      ).toEqual(['created']);
      expect(detail.body.audit[0].detail).toBe(CAROLS_REASON);
      // Approvers are told, as for any request that waits for them.
      expect(carol.notifier.requestQueued).toHaveBeenCalledWith(
        expect.objectContaining({ id: res.body.id, requesterIsOwner: false }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'Alice (payments) gets the same request approved automatically and issued, as an owner, %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const alice = await requestsApp(knex, { user: ALICE });
      const before = await alice.counts();
      const res = await alice.submit(csrInput(csrPem));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'issued',
        requester: ALICE,
        requesterIsOwner: true,
      });
      expect(res.body.pendingReason).toBeUndefined();
      expect(await alice.counts()).toEqual({
        requests: before.requests + 1,
        audit: before.audit + 3,
        issued: before.issued + 1,
      });
      const row = await knex('certificates_requests')
        .where({ id: res.body.id })
        .first();
      expect(Boolean(row.requester_is_owner)).toBe(true);
      const chain = await request(alice.app).get(
        `/requests/${res.body.id}/chain.pem`,
      );
      expect(chain.status).toBe(200);
      expect(chain.text).toContain('BEGIN CERTIFICATE');
    },
  );

  it.each(databases.eachSupportedId())(
    "the form's verdict (/requests/validate) tells a non-owner the request will wait for approval, and stores nothing, %p",
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const carol = await requestsApp(knex, { user: CAROL });
      const alice = await requestsApp(knex, { user: ALICE });
      const before = await carol.counts();
      const verdict = await request(carol.app)
        .post('/requests/validate')
        .send(csrInput(csrPem));
      expect(verdict.status).toBe(200);
      expect(verdict.body).toEqual({
        ok: true,
        violations: [],
        policyName: 'payments',
        autoApprove: false,
        pendingReason: CAROLS_REASON,
        requesterIsOwner: false,
      });
      const owners = await request(alice.app)
        .post('/requests/validate')
        .send(csrInput(csrPem));
      expect(owners.body).toMatchObject({
        ok: true,
        autoApprove: true,
        requesterIsOwner: true,
      });
      expect(await carol.counts()).toEqual(before);
    },
  );

  it.each(databases.eachSupportedId())(
    'a CONDITIONAL create decision (catalog isEntityOwner) is honoured: Carol is refused with 403 and nothing is stored; Alice may, %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const policy = ownerOnlyCreatePolicy([paymentsApi, checkoutWeb]);
      const carol = await requestsApp(knex, {
        user: CAROL,
        permissions: policy.permissions,
      });
      const alice = await requestsApp(knex, {
        user: ALICE,
        permissions: policy.permissions,
      });
      const before = await carol.counts();

      for (const path of ['/requests/validate', '/requests']) {
        const refused = await request(carol.app)
          .post(path)
          .send(csrInput(csrPem));
        expect(refused.status).toBe(403);
        expect(refused.body.error).toEqual(
          expect.objectContaining({
            name: 'NotAllowedError',
            message:
              'You may not request certificates for component:default/payments-api',
          }),
        );
      }
      expect(await carol.counts()).toEqual(before);
      expect(carol.signSpy).not.toHaveBeenCalled();
      // Authorized on the entity, so the catalog can apply its conditions.
      expect(policy.seen).toContainEqual({
        name: 'certificates.request.create',
        resourceType: 'catalog-entity',
        resourceRef: 'component:default/payments-api',
      });

      const allowed = await alice.submit(csrInput(csrPem));
      expect(allowed.status).toBe(201);
      expect(allowed.body.state).toBe('issued');
      expect((await carol.counts()).requests).toBe(before.requests + 1);
    },
  );

  it.each(databases.eachSupportedId())(
    "renewals: an owner's and the plugin's automatic renewal need no approval; a non-owner's renewal is queued like any request, %p",
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const alice = await requestsApp(knex, { user: ALICE });
      const first = (await alice.submit(csrInput(csrPem)))
        .body as CertificateRequest;
      expect(first.state).toBe('issued');
      const asUser = (ref: string) => ({
        credentials: mockCredentials.user(ref),
        userEntityRef: ref,
      });

      const byOwner = await alice.service.submit(
        csrInput(csrPem),
        asUser(ALICE),
        { renewalOf: first.id },
      );
      expect(byOwner.request).toMatchObject({
        state: 'issued',
        requesterIsOwner: true,
        renewalOf: first.id,
      });

      const automatic = await alice.service.submit(
        csrInput(csrPem),
        {
          credentials: mockCredentials.service('plugin:certificates'),
          userEntityRef: 'plugin:certificates',
        },
        { renewalOf: first.id },
      );
      expect(automatic.request).toMatchObject({
        state: 'issued',
        requester: 'plugin:certificates',
        requesterIsOwner: false,
      });

      const before = await alice.counts();
      const byCarol = await alice.service.submit(
        csrInput(csrPem),
        asUser(CAROL),
        { renewalOf: first.id },
      );
      expect(byCarol.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
        renewalOf: first.id,
        pendingReason: CAROLS_REASON,
      });
      expect(await alice.counts()).toEqual({
        requests: before.requests + 1,
        audit: before.audit + 1,
        issued: before.issued,
      });
      const [created] = await knex('certificates_audit').where({
        request_id: byCarol.request!.id,
      });
      expect(created.detail).toBe(`renewal of ${first.id}: ${CAROLS_REASON}`);
    },
  );

  it.each(databases.eachSupportedId())(
    'a service principal is never an owner: its request waits for approval, and so does its renewal, %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      // The policy admits the service (automation); it still owns nothing.
      const alice = await requestsApp(knex, {
        user: ALICE,
        policies: [
          {
            ...paymentsPolicy,
            automation: { allowedServices: ['plugin:scaffolder'] },
          },
          storefrontPolicy,
        ],
      });
      const scaffolder = {
        credentials: mockCredentials.service('plugin:scaffolder'),
        userEntityRef: 'plugin:scaffolder',
        // Whatever a caller claims, a service principal owns nothing.
        ownershipEntityRefs: ['group:default/payments'],
      };
      const submitted = await alice.service.submit(
        csrInput(csrPem),
        scaffolder,
      );
      expect(submitted.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
      });
      expect(submitted.request?.pendingReason).toMatch(
        /requested by service plugin:scaffolder; policy payments has automated requests approved by people/,
      );

      const first = (await alice.submit(csrInput(csrPem))).body;
      const renewal = await alice.service.submit(csrInput(csrPem), scaffolder, {
        renewalOf: first.id,
      });
      expect(renewal.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
      });
      expect(alice.signSpy).toHaveBeenCalledTimes(1);
    },
  );

  it.each(databases.eachSupportedId())(
    "attack 1 by renewal: Carol renews Alice's certificate through the inventory; the renewal waits for approvers, %p",
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const alice = await requestsApp(knex, { user: ALICE });
      const issued = (await alice.submit(csrInput(csrPem)))
        .body as CertificateRequest;
      // The inventory row of the certificate Alice's request was issued.
      const leaf = new X509Certificate(
        (await alice.store.getChainPem(issued.id))!,
      );
      const row = {
        fingerprintSha256: createHash('sha256').update(leaf.raw).digest('hex'),
        id: 'row-1',
        cluster: 'portal',
        namespace: '',
        secretName: issued.id,
        requestId: issued.id,
        entityRef: issued.entityRef,
        dnsNames: issued.dnsNames,
        status: 'valid',
        findings: [],
        chain: [],
        findingDetails: [],
        ownership: {},
        usedBy: [],
        history: [],
        firstSeenAt: issued.createdAt,
        lastSeenAt: issued.createdAt,
      } as unknown as CertificateDetails;
      const lifecycle = LifecycleService.create({
        knex,
        inventory: {
          getCertificate: async id => (id === row.id ? row : undefined),
        },
        requests: alice.store,
        issuers: IssuerRegistry.create({ issuers: [alice.ca] }),
        submitter: alice.service,
        clusters: ConfigClusterRegistry.fromClusters([]),
        // A permission policy that lets anyone renew.
        permissions: mockServices.permissions({
          result: AuthorizeResult.ALLOW,
        }),
        audit: DatabaseAuditLog.create({ knex }),
        logger: mockServices.logger.mock(),
      });
      const app = express();
      app.use(express.json());
      app.use(
        createInventoryRouter({
          store: {} as never,
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.user(CAROL),
          }),
          userInfo,
          permissions: mockServices.permissions({
            result: AuthorizeResult.ALLOW,
          }),
          lifecycle,
        }),
      );
      app.use(mockErrorHandler());
      const before = await alice.counts();

      const renewed = await request(app).post(`/certificates/${row.id}/renew`);

      expect(renewed.status).toBe(201);
      expect(renewed.body.request).toMatchObject({
        state: 'pending',
        requester: CAROL,
        requesterIsOwner: false,
        renewalOf: issued.id,
        pendingReason: CAROLS_REASON,
      });
      expect((await alice.counts()).issued).toBe(before.issued);
      expect(alice.signSpy).toHaveBeenCalledTimes(1);
    },
  );
});
