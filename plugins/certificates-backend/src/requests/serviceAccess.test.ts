import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { API, startCertificatesBackend } from '../__testUtils__/testBackend';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';

jest.setTimeout(90_000);

/*
 * Automation through backend.auth.externalAccess, with the real auth
 * services: a static token is a service principal `external:<subject>`.
 */
const CI_BOT = 'ci-bot-token-0123456789abcdef';
const OTHER_BOT = 'other-bot-token-0123456789abcdef';
const ci = `Bearer ${CI_BOT}`;

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const entity = (name: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
});

const csrs: Record<string, string> = {};
beforeAll(async () => {
  for (const name of ['payments-api', 'checkout-web']) {
    csrs[name] = (
      await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames: [`${name}.example.com`],
      })
    ).csrPem;
  }
});

const body = (name: string) => ({
  entityRef: `component:default/${name}`,
  dnsNames: [`${name}.example.com`],
  keyAlgorithm: 'ECDSA-P256',
  validityDays: 30,
  issuer: 'builtin',
  delivery: { kind: 'csr', csr: csrs[name] },
});

async function backendOn(knex: Knex) {
  const backend = await startCertificatesBackend({
    knex,
    entities: [
      entity('payments-api', 'group:default/payments'),
      entity('checkout-web', 'group:default/storefront'),
    ],
    backend: {
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: CI_BOT, subject: 'external:ci-bot' },
          },
          {
            type: 'static',
            options: { token: OTHER_BOT, subject: 'external:other-bot' },
          },
        ],
      },
    },
    certificates: {
      policies: [
        {
          name: 'payments',
          selector: { owner: ['group:default/payments'] },
          allowedDnsNames: ['{{entity.name}}.example.com'],
          // Owners are approved at once; the bot is not an owner.
          autoApprove: true,
          automation: {
            allowedServices: ['external:ci-bot', 'external:other-bot'],
          },
          approvals: { required: 1, approvers: ['group:default/security'] },
        },
        {
          name: 'storefront',
          selector: { owner: ['group:default/storefront'] },
          allowedDnsNames: ['{{entity.name}}.example.com'],
        },
      ],
    },
    // The real auth services: static tokens are read from the configuration.
    features: [authServiceFactory, httpAuthServiceFactory],
  });
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  const rows = async () => ({
    requests: await count('certificates_requests'),
    audit: await count('certificates_audit'),
  });
  /** A request for `name` submitted with `authorization` (default: the CI bot). */
  const submit = (name: string, authorization = ci) =>
    request(backend.server)
      .post(`${API}/requests`)
      .set('Authorization', authorization)
      .send(body(name));
  return { server: backend.server, stop: backend.stop, rows, submit };
}

describe.each(databases.eachSupportedId())(
  'service access (%s)',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof backendOn>>;
    const previous = process.env.KUBECONFIG;

    beforeAll(async () => {
      process.env.KUBECONFIG = '/nonexistent/kubeconfig';
      knex = await databases.init(databaseId);
      backend = await backendOn(knex);
    });
    afterAll(async () => {
      process.env.KUBECONFIG = previous;
      await backend.stop();
    });

    it('lets a service token read requests, the inventory, a policy and the issuers', async () => {
      const { server } = backend;
      for (const path of [
        `${API}/requests`,
        `${API}/certificates`,
        `${API}/counts`,
        `${API}/policy?entityRef=component:default/payments-api`,
        `${API}/issuers`,
      ]) {
        const res = await request(server).get(path).set('Authorization', ci);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    });

    it('refuses an unknown token (401) and stores nothing', async () => {
      const before = await backend.rows();
      const bad = 'Bearer not-a-configured-token-0123456789';
      expect(
        (
          await request(backend.server)
            .get(`${API}/requests`)
            .set('Authorization', bad)
        ).status,
      ).toBe(401);
      const res = await backend.submit('payments-api', bad);
      expect(res.status).toBe(401);
      expect(await backend.rows()).toEqual(before);
    });

    it('creates a pending request as the service, audited with its subject, never approved at once', async () => {
      const res = await backend.submit('payments-api');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'pending',
        requester: 'external:ci-bot',
        requesterIsOwner: false,
      });
      expect(res.body.pendingReason).toContain(
        'requested by service external:ci-bot',
      );
      const detail = await request(backend.server)
        .get(`${API}/requests/${res.body.id}`)
        .set('Authorization', ci);
      expect(detail.status).toBe(200);
      expect(detail.body.audit).toEqual([
        expect.objectContaining({
          actor: 'external:ci-bot',
          action: 'created',
        }),
      ]);
    });

    it('refuses a service the policy does not name, with the reason, and stores nothing', async () => {
      const before = await backend.rows();
      const res = await backend.submit('checkout-web');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'service external:ci-bot may not request certificates under policy storefront',
      );
      expect(await backend.rows()).toEqual(before);
    });

    it("never lets a service decide or cancel another requester's request; nothing changes", async () => {
      const created = await backend.submit('payments-api');
      expect(created.status).toBe(201);
      const id = created.body.id;
      const before = await backend.rows();

      const approve = await request(backend.server)
        .post(`${API}/requests/${id}/decision`)
        .set('Authorization', ci)
        .send({ decision: 'approve' });
      expect(approve.status).toBe(403);
      const bulk = await request(backend.server)
        .post(`${API}/approvals/bulk`)
        .set('Authorization', `Bearer ${OTHER_BOT}`)
        .send({ ids: [id], decision: 'approve' });
      expect(bulk.status).toBe(403);
      const cancel = await request(backend.server)
        .post(`${API}/requests/${id}/cancel`)
        .set('Authorization', `Bearer ${OTHER_BOT}`);
      expect(cancel.status).toBe(403);

      expect(await backend.rows()).toEqual(before);
      const after = await request(backend.server)
        .get(`${API}/requests/${id}`)
        .set('Authorization', ci);
      expect(after.body.request.state).toBe('pending');

      // Its own request, the service may withdraw.
      const own = await request(backend.server)
        .post(`${API}/requests/${id}/cancel`)
        .set('Authorization', ci);
      expect(own.status).toBe(200);
      expect(own.body.state).toBe('cancelled');
    });
  },
);

describe('a plugin calling on behalf of a user', () => {
  it('acts as that user (an owner is approved at once), while its own token is a service the policy must name', async () => {
    const backend = await startCertificatesBackend({
      knex: await databases.init('SQLITE_3'),
      entities: [entity('payments-api', 'user:default/alice')],
      certificates: {
        policies: [
          {
            name: 'payments',
            allowedDnsNames: ['{{entity.name}}.example.com'],
            autoApprove: true,
          },
        ],
      },
    });
    const { server } = backend;
    // What the Scaffolder sends: a token for this plugin, issued on behalf of
    // the user who runs the template.
    const { token } = await mockServices
      .auth({ pluginId: 'scaffolder' })
      .getPluginRequestToken({
        onBehalfOf: mockCredentials.user('user:default/alice'),
        targetPluginId: 'certificates',
      });
    const asAlice = await request(server)
      .post(`${API}/requests`)
      .set('Authorization', `Bearer ${token}`)
      .send(body('payments-api'));
    expect(asAlice.status).toBe(201);
    expect(asAlice.body).toMatchObject({
      requester: 'user:default/alice',
      requesterIsOwner: true,
      state: 'issued',
    });

    const asItself = await request(server)
      .post(`${API}/requests`)
      .set(
        'Authorization',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:scaffolder'),
          targetPluginId: 'certificates',
        }),
      )
      .send(body('payments-api'));
    expect(asItself.status).toBe(400);
    expect(asItself.body.error.message).toContain(
      'service plugin:scaffolder may not request',
    );
    await backend.stop();
  });
});
