import {
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { isEntityOwnedBy } from '@kubecerts/backstage-plugin-certificates-common';
import { countRows, csrFor, testDatabases } from '../__testUtils__';
import { Caller, CertificatesTestBackend } from '../__testUtils__/testBackend';
import {
  ALICE,
  CAROL,
  checkoutWeb,
  csrInput,
  expectError,
  paymentsApi,
  paymentsPolicy,
  SHOP_GROUPS,
  pluginItself,
  renewalsOf,
  shopPerTest,
  shopUser,
  storefrontPolicy,
} from './__testUtils__/shop';

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
      ...(SHOP_GROUPS[principal.userEntityRef.split('/')[1]] ?? []),
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
  permissions.authorizeConditional.mockImplementation(async queries =>
    queries.map(() => ({ result: AuthorizeResult.ALLOW })),
  );
  return { permissions: permissions as unknown as PermissionsService, seen };
}

describe("attack 1: only the entity's owners are approved automatically", () => {
  let csrPem: string;
  const suite = shopPerTest(databases);

  beforeAll(async () => {
    csrPem = await csrFor('payments-api.shop.example.com');
  });

  /** POST /requests for payments-api as `who`. */
  const requestAs = (plugin: CertificatesTestBackend, who: Caller) =>
    plugin.post('/requests', who).send(csrInput(csrPem));

  it.each(databases.eachSupportedId())(
    "attack 1: Carol (storefront) asks for payments-api with a request its policy approves by itself: stored pending as a non-owner's, nothing issued, chain.pem 404, %p",
    async databaseId => {
      const { knex, plugin } = await suite.shop(databaseId);
      const before = await plugin.counts();

      const res = await requestAs(plugin, 'carol');

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
      expect(suite.ca.signSpy).not.toHaveBeenCalled();
      expect(suite.ca.issueSpy).not.toHaveBeenCalled();
      // One request and its "created" record; no certificate.
      expect(await plugin.counts()).toEqual({
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

      const chain = await plugin.get(
        `/requests/${res.body.id}/chain.pem`,
        'carol',
      );
      expect(chain.status).toBe(404);
      expect(chain.text).not.toContain('BEGIN CERTIFICATE');
      const detail = await plugin.get(`/requests/${res.body.id}`, 'carol');
      expect(detail.body.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
      });
      expect(
        detail.body.audit.map((a: { action: string }) => a.action),
      ).toEqual(['created']);
      expect(detail.body.audit[0].detail).toBe(CAROLS_REASON);
      // Approvers are told, as for any request that waits for them, and
      // told that a non-owner asks.
      expect(plugin.notifications.send).toHaveBeenCalledWith({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/security'],
          excludeEntityRef: CAROL,
        },
        payload: expect.objectContaining({
          scope: `certificates:request:${res.body.id}:queued`,
          description: expect.stringContaining(CAROLS_REASON),
        }),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'Alice (payments) gets the same request approved automatically and issued, as an owner, %p',
    async databaseId => {
      const { knex, plugin } = await suite.shop(databaseId);
      const before = await plugin.counts();
      const res = await requestAs(plugin, 'alice');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'issued',
        requester: ALICE,
        requesterIsOwner: true,
      });
      expect(res.body.pendingReason).toBeUndefined();
      expect(await plugin.counts()).toEqual({
        requests: before.requests + 1,
        audit: before.audit + 3,
        issued: before.issued + 1,
      });
      const row = await knex('certificates_requests')
        .where({ id: res.body.id })
        .first();
      expect(Boolean(row.requester_is_owner)).toBe(true);
      const chain = await plugin.get(
        `/requests/${res.body.id}/chain.pem`,
        'alice',
      );
      expect(chain.status).toBe(200);
      expect(chain.text).toContain('BEGIN CERTIFICATE');
    },
  );

  it.each(databases.eachSupportedId())(
    "the form's verdict (/requests/validate) tells a non-owner the request will wait for approval, and stores nothing, %p",
    async databaseId => {
      const { plugin } = await suite.shop(databaseId);
      const before = await plugin.counts();
      const verdict = await plugin
        .post('/requests/validate', 'carol')
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
      const owners = await plugin
        .post('/requests/validate', 'alice')
        .send(csrInput(csrPem));
      expect(owners.body).toMatchObject({
        ok: true,
        autoApprove: true,
        requesterIsOwner: true,
      });
      expect(await plugin.counts()).toEqual(before);
    },
  );

  it.each(databases.eachSupportedId())(
    'a CONDITIONAL create decision (catalog isEntityOwner) is honoured: Carol is refused with 403 and nothing is stored; Alice may, %p',
    async databaseId => {
      const policy = ownerOnlyCreatePolicy([paymentsApi, checkoutWeb]);
      const { plugin } = await suite.shop(databaseId, {
        permissions: policy.permissions,
      });
      const before = await plugin.counts();

      for (const path of ['/requests/validate', '/requests']) {
        const refused = await plugin.post(path, 'carol').send(csrInput(csrPem));
        expectError(refused, 403, {
          name: 'NotAllowedError',
          message:
            'You may not request certificates for component:default/payments-api',
        });
      }
      expect(await plugin.counts()).toEqual(before);
      expect(suite.ca.signSpy).not.toHaveBeenCalled();
      // Authorized on the entity, so the catalog can apply its conditions.
      expect(policy.seen).toContainEqual({
        name: 'certificates.request.create',
        resourceType: 'catalog-entity',
        resourceRef: 'component:default/payments-api',
      });

      const allowed = await requestAs(plugin, 'alice');
      expect(allowed.status).toBe(201);
      expect(allowed.body.state).toBe('issued');
      expect((await plugin.counts()).requests).toBe(before.requests + 1);
    },
  );

  // The plugin's own renewals and a service's claims reach RequestService
  // without a route: these two tests call the plugin's services directly.
  it.each(databases.eachSupportedId())(
    "renewals: an owner's and the plugin's automatic renewal need no approval; a non-owner's renewal is queued like any request, %p",
    async databaseId => {
      const harness = await suite.services(databaseId);
      const { knex, requestService } = harness;
      const renew = renewalsOf(requestService, csrInput(csrPem));
      const count = () =>
        countRows(knex, [
          'certificates_requests',
          'certificates_audit',
          'certificates_ca_issued',
        ]);
      const first = (
        await requestService.submit(csrInput(csrPem), shopUser(ALICE))
      ).request!;
      expect(first.state).toBe('issued');

      const byOwner = await renew(shopUser(ALICE), first.id);
      expect(byOwner).toMatchObject({
        state: 'issued',
        requesterIsOwner: true,
        renewalOf: first.id,
      });

      const automatic = await renew(pluginItself, first.id);
      expect(automatic).toMatchObject({
        state: 'issued',
        requester: 'plugin:certificates',
        requesterIsOwner: false,
      });

      const before = await count();
      const byCarol = await renew(shopUser(CAROL), first.id);
      expect(byCarol).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
        renewalOf: first.id,
        pendingReason: CAROLS_REASON,
      });
      expect(await count()).toEqual({
        certificates_requests: before.certificates_requests + 1,
        certificates_audit: before.certificates_audit + 1,
        certificates_ca_issued: before.certificates_ca_issued,
      });
      const [created] = await knex('certificates_audit').where({
        request_id: byCarol!.id,
      });
      expect(created.detail).toBe(`renewal of ${first.id}: ${CAROLS_REASON}`);
    },
  );

  it.each(databases.eachSupportedId())(
    'a service principal is never an owner: its request waits for approval, and so does its renewal, %p',
    async databaseId => {
      // The policy admits the service (automation); it still owns nothing.
      const harness = await suite.services(databaseId, {
        policies: [
          {
            ...paymentsPolicy,
            automation: { allowedServices: ['plugin:scaffolder'] },
          },
          storefrontPolicy,
        ],
      });
      const { requestService } = harness;
      const scaffolder = {
        credentials: mockCredentials.service('plugin:scaffolder'),
        userEntityRef: 'plugin:scaffolder',
        // Whatever a caller claims, a service principal owns nothing.
        ownershipEntityRefs: ['group:default/payments'],
      };
      const submitted = await requestService.submit(
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

      const first = (
        await requestService.submit(csrInput(csrPem), shopUser(ALICE))
      ).request!;
      const renewal = await requestService.submit(
        csrInput(csrPem),
        scaffolder,
        {
          renewalOf: first.id,
        },
      );
      expect(renewal.request).toMatchObject({
        state: 'pending',
        requesterIsOwner: false,
      });
      expect(suite.ca.signSpy).toHaveBeenCalledTimes(1);
    },
  );

  it.each(databases.eachSupportedId())(
    "attack 1 by renewal: Carol renews Alice's certificate through the inventory; the renewal waits for approvers, %p",
    async databaseId => {
      const { plugin } = await suite.shop(databaseId);
      const issued = (await requestAs(plugin, 'alice')).body;
      expect(issued.state).toBe('issued');
      // The inventory row of the certificate Alice's request was issued.
      const listed = await plugin.get('/certificates', 'carol');
      const row = listed.body.items.find(
        (c: { requestId?: string }) => c.requestId === issued.id,
      );
      expect(row).toBeDefined();
      const before = await plugin.counts();

      const renewed = await plugin.post(
        `/certificates/${row.id}/renew`,
        'carol',
      );

      expect(renewed.status).toBe(201);
      expect(renewed.body.request).toMatchObject({
        state: 'pending',
        requester: CAROL,
        requesterIsOwner: false,
        renewalOf: issued.id,
        pendingReason: CAROLS_REASON,
      });
      expect((await plugin.counts()).issued).toBe(before.issued);
      expect(suite.ca.signSpy).toHaveBeenCalledTimes(1);
    },
  );
});
