import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { createHash, X509Certificate } from 'node:crypto';
import request from 'supertest';
import { pemBlocks, x509 } from '../pki';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { requestConditions } from '../permissions';
import {
  allowAllPermissions,
  component,
  createHarness,
  csrFor,
  DatabaseId,
  paymentsInput,
  testDatabases,
} from '../__testUtils__';
import {
  CertificatesTestBackend,
  startCertificatesBackend,
} from '../__testUtils__/testBackend';
import { craftedCsrPem } from './__testUtils__/craftedCsr';
import {
  readDecisionsOf,
  shopPerTest,
  teamAServicesPolicy,
} from './__testUtils__/shop';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** Alice and Bob are in team-a, which owns `payments`; Carol is not. */
const TEAM_A: Record<string, string[]> = {
  alice: ['group:default/team-a'],
  bob: ['group:default/team-a'],
};

const entity: Entity = component('payments', 'team-a');
const otherEntity: Entity = component('stray', 'team-z');

const autoPolicy: CertificatePolicy = teamAServicesPolicy({
  autoApprove: { maxValidityDays: 30 },
  approvals: { required: 2, approvers: ['group:default/security'] },
});

/** The notifications the plugin sent about `event`s (e.g. issued), by request id. */
function sent(plugin: CertificatesTestBackend, event: string): string[] {
  return plugin.notifications.send.mock.calls.flatMap(
    ([n]: [{ payload: { scope: string } }]) => {
      const [, , id, what] = n.payload.scope.split(':');
      return what === event ? [id] : [];
    },
  );
}

describe('requests API', () => {
  const databases = testDatabases();
  let csrPem: string;
  const suite = shopPerTest(databases);
  beforeAll(async () => {
    csrPem = await csrFor('payments.example.com', 'api.payments.example.com');
  });
  /** The form's request for payments (overrides may be malformed on purpose). */
  function body(
    overrides: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      ...paymentsInput(csrPem, {
        entityRef: 'component:default/payments',
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
        justification: '<b>needed</b> for the API',
        ...(overrides as Parameters<typeof paymentsInput>[1]),
      }),
    };
  }

  /** The actions of a request's audit trail, in order. */
  const trailOf = async (knex: Knex, requestId: string) =>
    (
      await knex('certificates_audit')
        .where({ request_id: requestId })
        .orderBy('seq')
    ).map(r => r.action);

  /** The real plugin on `knex` (every permission allowed by default). */
  function startOn(
    knex: Knex,
    permissions: PermissionsService = allowAllPermissions(),
  ) {
    return startCertificatesBackend({
      knex,
      permissions,
      entities: [entity, otherEntity],
      groups: TEAM_A,
      certificates: { policies: [autoPolicy] },
    });
  }

  /** The real plugin on a fresh database of `databaseId`. */
  async function setup(
    databaseId: DatabaseId,
    permissions?: PermissionsService,
  ) {
    const knex: Knex = await databases.init(databaseId);
    const plugin = suite.track(await startOn(knex, permissions));
    /** POST /requests with `body`, as Alice. */
    const submit = (payload: object) =>
      plugin.post('/requests', 'alice').send(payload);
    const stored = async () => {
      const { requests, audit } = await plugin.counts();
      return { requests, audit };
    };
    return { plugin, knex, submit, stored };
  }

  /**
   * The plugin's services on the same database, for what no route reaches:
   * issuance driven step by step after a "crash", a policy changed while
   * running. `policies` is read at each check.
   */
  async function servicesOn(knex: Knex, policies = [autoPolicy]) {
    return suite.track(
      await createHarness(databases, 'SQLITE_3', {
        knex,
        entities: [entity, otherEntity],
        policies,
      }),
    );
  }

  it.each(databases.eachSupportedId())(
    'issues an auto-approved CSR request through the built-in CA, %p',
    async databaseId => {
      const { plugin, submit } = await setup(databaseId);
      const res = await submit(body());
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'issued',
        requester: ALICE,
        entityRef: 'component:default/payments',
        ownerRef: 'group:default/team-a',
        policyName: 'services',
        justification: '<b>needed</b> for the API',
        delivery: {
          kind: 'csr',
          csrFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      });
      expect(JSON.stringify(res.body)).not.toContain('BEGIN');

      const chain = await plugin.get(`/requests/${res.body.id}/chain.pem`);
      expect(chain.status).toBe(200);
      const [leaf, issuing] = pemBlocks(chain.text).map(
        b => new X509Certificate(b.der),
      );
      // The built-in CA's root, as the plugin publishes it.
      const [root] = pemBlocks(
        (await plugin.get('/trust-bundle.pem', 'none')).text,
      ).map(b => new X509Certificate(b.der));
      expect(leaf.verify(issuing.publicKey)).toBe(true);
      expect(issuing.verify(root.publicKey)).toBe(true);
      expect(leaf.subjectAltName).toBe(
        'DNS:payments.example.com, DNS:api.payments.example.com',
      );
      expect(leaf.serialNumber).toBe(res.body.serialNumber);
      expect(
        new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime(),
      ).toBeLessThanOrEqual(30 * 86400_000);
      // In the inventory as soon as it is issued.
      const inventory = await plugin.get('/certificates');
      expect(inventory.body.items).toEqual([
        expect.objectContaining({
          requestId: res.body.id,
          fingerprintSha256: createHash('sha256')
            .update(leaf.raw)
            .digest('hex'),
        }),
      ]);

      const detail = await plugin.get(`/requests/${res.body.id}`);
      expect(detail.body.request.state).toBe('issued');
      expect(
        detail.body.audit.map((a: { action: string }) => a.action).sort(),
      ).toEqual(['created', 'issued', 'issuing']);

      const mine = await plugin.get('/requests?mine=true&state=issued');
      expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([
        res.body.id,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'queues a request the policy does not auto-approve; only the requester cancels, only while pending, %p',
    async databaseId => {
      const { plugin, submit } = await setup(databaseId);
      const res = await submit(body({ validityDays: 60 }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'pending',
        approvalsRequired: 2,
        approvers: ['group:default/security'],
        pendingReason: expect.stringMatching(/60 days exceeds the 30 days/),
      });
      expect(suite.ca.issueSpy).not.toHaveBeenCalled();
      expect(suite.ca.signSpy).not.toHaveBeenCalled();

      const notMine = await plugin.post(
        `/requests/${res.body.id}/cancel`,
        'bob',
      );
      expect(notMine.status).toBe(403);

      const cancelled = await plugin.post(`/requests/${res.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('cancelled');
      const again = await plugin.post(`/requests/${res.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.name).toBe('ConflictError');
    },
  );

  it('notifies once: issued after auto-approval, queued when pending, failed when issuance fails', async () => {
    const { plugin, submit, knex } = await setup('SQLITE_3');
    const issued = await submit(body());
    expect(issued.body.state).toBe('issued');
    expect(sent(plugin, 'issued')).toEqual([issued.body.id]);
    // Claimed in the issuing transaction: one claim, one notification.
    expect(
      await knex('certificates_notifications_sent').where({
        request_id: issued.body.id,
        event: 'issued',
      }),
    ).toHaveLength(1);
    expect(plugin.notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: [ALICE] },
      payload: expect.objectContaining({
        title:
          'Certificate issued: payments.example.com for component:default/payments',
        topic: `certificate-request:${issued.body.id}`,
      }),
    });
    expect(sent(plugin, 'queued')).toEqual([]);
    expect(sent(plugin, 'failed')).toEqual([]);

    const pending = await submit(body({ validityDays: 60 }));
    expect(sent(plugin, 'queued')).toEqual([pending.body.id]);
    expect(plugin.notifications.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/security'],
        excludeEntityRef: ALICE,
      },
      payload: expect.objectContaining({
        scope: `certificates:request:${pending.body.id}:queued`,
      }),
    });

    // The CA refuses; the request fails once however often issuance is
    // retried (here by another replica of the plugin on the same database).
    suite.ca.signSpy.mockImplementationOnce(() => {
      throw new Error('CA unavailable');
    });
    const failing = await submit(body());
    expect(failing.body).toMatchObject({
      state: 'failed',
      failureReason: 'CA unavailable',
    });
    const replica = await servicesOn(knex);
    expect(await replica.issuance.issueApproved(failing.body.id)).toMatchObject(
      {
        state: 'failed',
      },
    );
    expect(replica.notifications.send).not.toHaveBeenCalled();
    expect(sent(plugin, 'failed')).toEqual([failing.body.id]);
    expect(sent(plugin, 'issued')).toEqual([issued.body.id]);
    expect(
      (await plugin.get(`/requests/${failing.body.id}`)).body.request.state,
    ).toBe('failed');
  });

  it.each(databases.eachSupportedId())(
    'an auto-approved request, its audit and the CA record commit together; a rollback leaves nothing, %p',
    async databaseId => {
      const { submit, knex, stored } = await setup(databaseId);
      const { issueSpy, signSpy, recordSpy } = suite.ca;
      const issued = await submit(body());
      expect(issued.body.state).toBe('issued');
      expect(await stored()).toEqual({ requests: 1, audit: 3 });
      expect(
        await knex('certificates_ca_issued').where({
          request_id: issued.body.id,
        }),
      ).toHaveLength(1);
      expect(await trailOf(knex, issued.body.id)).toEqual([
        'created',
        'issuing',
        'issued',
      ]);
      expect(signSpy).toHaveBeenCalledTimes(1);
      expect(issueSpy).not.toHaveBeenCalled();

      // The CA's record cannot be written: the transaction rolls back (no
      // request, no audit, no CA record; the certificate signed in memory is
      // never published) and the request is issued step by step.
      recordSpy.mockRejectedValueOnce(new Error('disk full'));
      const retried = await submit(body());
      expect(retried.body.state).toBe('issued');
      expect(signSpy).toHaveBeenCalledTimes(3);
      expect(issueSpy).toHaveBeenCalledTimes(1);
      expect(await stored()).toEqual({ requests: 2, audit: 6 });
      const rows = await knex('certificates_ca_issued');
      expect(rows).toHaveLength(2);
      expect(rows.map(r => r.request_id).sort()).toEqual(
        [issued.body.id, retried.body.id].sort(),
      );
      expect(
        rows.find(r => r.request_id === retried.body.id).serial_number,
      ).toBe(retried.body.serialNumber);
    },
  );

  it.each(databases.eachSupportedId())(
    'concurrent auto-approved submissions share commits; each is issued once with its own trail, %p',
    async databaseId => {
      const { plugin, submit, knex, stored } = await setup(databaseId);
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => submit(body())),
      );
      expect(responses.map(r => r.body.state)).toEqual(
        Array(12).fill('issued'),
      );
      const ids = responses.map(r => r.body.id);
      expect(new Set(ids).size).toBe(12);
      expect(await stored()).toEqual({ requests: 12, audit: 36 });
      const issued = await knex('certificates_ca_issued').whereIn(
        'request_id',
        ids,
      );
      expect(issued).toHaveLength(12);
      for (const res of responses) {
        const row = issued.find(r => r.request_id === res.body.id);
        expect(row.serial_number).toBe(res.body.serialNumber);
        expect(await trailOf(knex, res.body.id)).toEqual([
          'created',
          'issuing',
          'issued',
        ]);
      }
      const inventory = await plugin.get('/certificates');
      expect(
        inventory.body.items
          .map((c: { requestId: string }) => c.requestId)
          .sort(),
      ).toEqual([...ids].sort());
      expect(sent(plugin, 'issued').sort()).toEqual([...ids].sort());
    },
  );

  it('a notifier that throws changes no outcome', async () => {
    const { plugin, submit } = await setup('SQLITE_3');
    plugin.notifications.send.mockRejectedValue(
      new Error('notifications down'),
    );
    expect((await submit(body())).body.state).toBe('issued');
    const pending = await submit(body({ validityDays: 60 }));
    expect(pending.status).toBe(201);
    expect(pending.body.state).toBe('pending');
    expect(sent(plugin, 'issued')).toHaveLength(1);
    expect(sent(plugin, 'queued')).toEqual([pending.body.id]);
  });

  it.each(databases.eachSupportedId())(
    'enforces certificates.request.read: an unreadable request is a 404, lists filtered, %p',
    async databaseId => {
      const conditional = (conditions: unknown): PolicyDecision => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'certificates',
        resourceType: 'certificate-request',
        conditions: conditions as never,
      });
      // Readers outside team-a, each under another read decision; anyone
      // not named reads everything.
      const { plugin } = await setup(
        databaseId,
        readDecisionsOf({
          // Only requests Bob made (refs compare case-insensitively).
          'only-bob': conditional(
            requestConditions.isRequester({ userRefs: ['User:default/BOB'] }),
          ),
          // Nested criteria: owned by team-a and not (Alice's and still pending).
          nested: conditional({
            allOf: [
              requestConditions.isEntityOwner({
                claims: ['group:default/team-a'],
              }),
              {
                not: {
                  anyOf: [
                    requestConditions.hasIssuer({ issuers: ['acme'] }),
                    requestConditions.isRequester({ userRefs: [ALICE] }),
                  ],
                },
              },
            ],
          }),
          nobody: { result: AuthorizeResult.DENY },
        }),
      );
      const submitAs = async (who: string, payload: object) =>
        (await plugin.post('/requests', who).send(payload)).body;
      const mine = await submitAs('alice', body());
      const pending = await submitAs('alice', body({ validityDays: 60 }));
      const bobs = await submitAs('bob', body());
      expect([mine.state, pending.state, bobs.state]).toEqual([
        'issued',
        'pending',
        'issued',
      ]);
      expect(mine.requester).toBe(ALICE);
      expect(bobs.requester).toBe(BOB);

      const ids = (res: request.Response) =>
        res.body.items.map((r: { id: string }) => r.id).sort();
      const status = async (path: string, who: string) =>
        (await plugin.get(path, who)).status;

      expect(ids(await plugin.get('/requests', 'only-bob'))).toEqual([bobs.id]);
      expect(await status(`/requests/${bobs.id}`, 'only-bob')).toBe(200);
      expect(await status(`/requests/${bobs.id}/chain.pem`, 'only-bob')).toBe(
        200,
      );
      // Hidden requests are answered as missing ones are.
      const hidden = await plugin.get(`/requests/${mine.id}`, 'only-bob');
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `No request ${mine.id}`,
      });
      expect(await status(`/requests/${mine.id}/chain.pem`, 'only-bob')).toBe(
        404,
      );
      expect(await status('/requests/no-such-id', 'only-bob')).toBe(404);

      expect(ids(await plugin.get('/requests', 'nested'))).toEqual([bobs.id]);
      expect(await status(`/requests/${pending.id}`, 'nested')).toBe(404);

      expect(ids(await plugin.get('/requests', 'carol'))).toEqual(
        [mine.id, pending.id, bobs.id].sort(),
      );

      expect((await plugin.get('/requests', 'nobody')).body).toEqual({
        items: [],
      });
      expect(await status(`/requests/${bobs.id}`, 'nobody')).toBe(404);
      expect(await status(`/requests/${bobs.id}/chain.pem`, 'nobody')).toBe(
        404,
      );
    },
  );

  describe('rejects bad input with 400, stores nothing and calls no issuer', () => {
    // One plugin for every case: each must leave the database as it found it.
    let plugin: CertificatesTestBackend;
    beforeAll(async () => {
      plugin = await startOn(await databases.init('SQLITE_3'));
    });
    afterAll(() => plugin.stop());

    const cases: Array<
      [
        string,
        () => Promise<Record<string, unknown>> | Record<string, unknown>,
        string,
        RegExp,
      ]
    > = [
      [
        'body schema',
        () => ({ ...body(), validityDays: 'ten' }),
        'validityDays',
        /number/,
      ],
      ['unknown field', () => ({ ...body(), extra: 1 }), 'body', /extra/i],
      [
        'bad DNS name',
        () => body({ dnsNames: ['payments.example.com', 'a..example.com'] }),
        'dnsNames[1]',
        /empty label/,
      ],
      [
        'name outside policy',
        () => body({ dnsNames: ['payments.example.com', 'evil.example.org'] }),
        'dnsNames[1]',
        /not allowed by policy/,
      ],
      [
        'validity over max',
        () => body({ validityDays: 91 }),
        'validityDays',
        /maximum of 90/,
      ],
      [
        'unknown issuer',
        () => body({ issuer: 'http://evil.example.org' }),
        'issuer',
        /unknown issuer/,
      ],
      [
        'unknown cluster',
        () =>
          body({
            delivery: {
              kind: 'secret',
              cluster: 'nope',
              namespace: 'default',
              secretName: 's',
            },
          }),
        'delivery.cluster',
        /unknown cluster/,
      ],
      [
        'no policy',
        () =>
          body({
            entityRef: 'component:default/stray',
            dnsNames: ['stray.example.com'],
            commonName: 'stray.example.com',
          }),
        'entityRef',
        /No certificate policy applies/,
      ],
      [
        'unknown entity',
        () => body({ entityRef: 'component:default/ghost' }),
        'entityRef',
        /not found/,
      ],
      [
        'CSR too large',
        () => body({ delivery: { kind: 'csr', csr: 'x'.repeat(9000) } }),
        'delivery.csr',
        /larger than 8192/,
      ],
      [
        'two PEM blocks',
        () => body({ delivery: { kind: 'csr', csr: csrPem + csrPem } }),
        'delivery.csr',
        /exactly one PEM block/,
      ],
      [
        'private key',
        async () => {
          const k = await generateKeyAndCsr({
            keyAlgorithm: 'ECDSA-P256',
            commonName: 'payments.example.com',
            dnsNames: ['payments.example.com', 'api.payments.example.com'],
          });
          return body({
            delivery: { kind: 'csr', csr: k.csrPem + k.privateKeyPem },
          });
        },
        'delivery.csr',
        /private key/,
      ],
      [
        'not a CSR',
        () =>
          body({
            delivery: {
              kind: 'csr',
              csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
            },
          }),
        'delivery.csr',
        /not a valid PKCS#10/,
      ],
      [
        'CSR names differ',
        async () => {
          const k = await generateKeyAndCsr({
            keyAlgorithm: 'ECDSA-P256',
            commonName: 'payments.example.com',
            dnsNames: ['payments.example.com'],
          });
          return body({ delivery: { kind: 'csr', csr: k.csrPem } });
        },
        'delivery.csr',
        /DNS names .* differ/,
      ],
      [
        'CSR key differs from the request',
        () => body({ keyAlgorithm: 'ECDSA-P384' }),
        'delivery.csr',
        /key is ECDSA-P256 but the request says ECDSA-P384/,
      ],
      [
        'bad CSR signature',
        () => body({ delivery: { kind: 'csr', csr: tamper(csrPem) } }),
        'delivery.csr',
        /signature does not verify|not a valid/,
      ],
      ['CSR asks for a CA', () => caCsr(), 'delivery.csr', /CA certificate/],
      ['SHA-1 signature', () => sha1Csr(), 'delivery.csr', /not accepted/],
      [
        'small RSA key',
        () => rsa1024Csr(),
        'delivery.csr',
        /2048, 3072 or 4096/,
      ],
      [
        'csr with a cluster',
        () => body({ delivery: { kind: 'csr', csr: csrPem, cluster: 'prod' } }),
        'delivery.cluster',
        /csr delivery is downloaded, not written to a cluster: leave out cluster/,
      ],
      [
        'csr with a namespace',
        () =>
          body({
            delivery: { kind: 'csr', csr: csrPem, namespace: 'kube-system' },
          }),
        'delivery.namespace',
        /leave out namespace/,
      ],
      [
        'csr with a Secret name',
        () =>
          body({
            delivery: { kind: 'csr', csr: csrPem, secretName: 'payments-tls' },
          }),
        'delivery.secretName',
        /leave out secretName/,
      ],
      [
        'malformed entity ref',
        () => body({ entityRef: 'payments' }),
        'entityRef',
        /not an entity ref/,
      ],
    ];

    it.each(cases)('%s', async (_label, make, field, reason) => {
      const before = await plugin.counts();
      const payload = await make();
      for (const path of ['/requests/validate', '/requests']) {
        const res = await plugin.post(path).send(payload);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        const violation = res.body.violations.find(
          (v: { field: string }) => v.field === field,
        );
        expect(violation?.reason).toMatch(reason);
      }
      expect(await plugin.counts()).toEqual(before);
      expect(before).toEqual({ requests: 0, audit: 0, issued: 0 });
      expect(suite.ca.issueSpy).not.toHaveBeenCalled();
      expect(suite.ca.signSpy).not.toHaveBeenCalled();
    });
  });

  it('answers 413 with an error body for an oversized body, storing nothing', async () => {
    const { submit, stored } = await setup('SQLITE_3');
    const res = await submit(body({ justification: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        message: expect.stringMatching(/too large/i),
      }),
    );
    expect(await stored()).toEqual({ requests: 0, audit: 0 });
    expect(suite.ca.issueSpy).not.toHaveBeenCalled();
  });

  it('refuses callers without certificates.request.create', async () => {
    const { submit, stored } = await setup(
      'SQLITE_3',
      mockServices.permissions({ result: AuthorizeResult.DENY }),
    );
    const res = await submit(body());
    expect(res.status).toBe(403);
    expect(await stored()).toEqual({ requests: 0, audit: 0 });
  });

  // A crash between two steps has no route: the plugin's issuance service
  // is driven step by step on the database the plugin wrote.
  it.each(databases.eachSupportedId())(
    'issues once per request: repeated and concurrent issuance, restart resume, %p',
    async databaseId => {
      const { submit, knex } = await setup(databaseId);
      const {
        issuance,
        requestStore: store,
        builtinCa,
      } = await servicesOn(knex);
      const res = await submit(body({ validityDays: 60 }));
      const id = res.body.id;
      // Approvals moved it to approved; the process "crashed" before issuing.
      await store.transition(id, ['pending'], 'approved', {});
      const [a, b] = await Promise.all([
        issuance.issueApproved(id),
        issuance.issueApproved(id),
      ]);
      expect(a.state).toBe('issued');
      expect(b.serialNumber).toBe(a.serialNumber);
      expect((await issuance.issueApproved(id)).serialNumber).toBe(
        a.serialNumber,
      );
      expect(
        await knex('certificates_ca_issued').where({ request_id: id }),
      ).toHaveLength(1);

      // Stuck in issuing after a crash: the scheduler resumes it, same certificate.
      const second = await submit(body({ validityDays: 45 }));
      await store.transition(second.body.id, ['pending'], 'approved', {});
      await store.transition(second.body.id, ['approved'], 'issuing', {});
      const signedBefore = await builtinCa.issue({
        requestId: second.body.id,
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
        commonName: 'payments.example.com',
        ipAddresses: [],
        uris: [],
        validityDays: 45,
        clientAuth: false,
        csrPem,
      });
      expect(await issuance.resume({ stuckAfterMs: -1000 })).toBe(1);
      const resumed = await store.get(second.body.id);
      expect(resumed?.state).toBe('issued');
      expect(resumed?.serialNumber).toBe(signedBefore.serialNumber);
    },
  );

  // The policy is changed while the plugin runs, which only its services
  // (reading the same policy list at each check) let a test do.
  it('evaluates the policy again at issuance time', async () => {
    const { submit, knex } = await setup('SQLITE_3');
    const policies = [autoPolicy];
    const { issuance, requestStore: store } = await servicesOn(knex, policies);
    const res = await submit(body({ validityDays: 60 }));
    await store.transition(res.body.id, ['pending'], 'approved', {});
    // The policy changed since: 60 days is now too long.
    policies[0] = { ...autoPolicy, maxValidityDays: 30 };
    const failed = await issuance.issueApproved(res.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toMatch(
      /No longer allowed by policy: validityDays: 60 days exceeds/,
    );
    expect(suite.ca.issueSpy).not.toHaveBeenCalled();
  });
});

function tamper(pem: string): string {
  const der = pemBlocks(pem)[0].der;
  // Flip a bit in the last byte of the signature.
  der[der.length - 1] ^= 0x01;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString(
    'base64',
  )}\n-----END CERTIFICATE REQUEST-----\n`;
}

async function csrWith(
  algorithm: RsaHashedKeyGenParams | EcKeyGenParams,
  signing: Algorithm,
  extensions: InstanceType<typeof x509.Extension>[] = [],
): Promise<Record<string, unknown>> {
  const csr = await craftedCsrPem(
    [
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'payments.example.com' },
        { type: 'dns', value: 'api.payments.example.com' },
      ]),
      ...extensions,
    ],
    signing,
    algorithm,
  );
  const keyAlgorithm =
    algorithm.name === 'ECDSA'
      ? 'ECDSA-P256'
      : `RSA-${(algorithm as RsaHashedKeyGenParams).modulusLength}`;
  return {
    entityRef: 'component:default/payments',
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com', 'api.payments.example.com'],
    keyAlgorithm: keyAlgorithm === 'RSA-1024' ? 'RSA-2048' : keyAlgorithm,
    validityDays: 30,
    issuer: 'builtin',
    delivery: { kind: 'csr', csr },
  };
}

const P256 = { name: 'ECDSA', namedCurve: 'P-256' };

function caCsr() {
  return csrWith(P256, { ...P256, hash: 'SHA-256' } as Algorithm, [
    new x509.BasicConstraintsExtension(true, undefined, true),
  ]);
}

function sha1Csr() {
  return csrWith(P256, { ...P256, hash: 'SHA-1' } as Algorithm);
}

function rsa1024Csr() {
  const rsa = {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 1024,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  };
  return csrWith(rsa, rsa);
}
