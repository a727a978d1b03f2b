import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { X509Certificate } from 'node:crypto';
import request from 'supertest';
import { pemBlocks, x509 } from '../pki';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { requestConditions } from '../permissions';
import { component, testDatabases } from '../__testUtils__';
import { craftedCsrPem } from './__testUtils__/craftedCsr';
import { requestsApp } from './__testUtils__/requestsApp';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

/** Alice and Bob are in team-a, which owns `payments`; Carol is not. */
const TEAM_A: Record<string, string[]> = {
  [ALICE]: ['group:default/team-a'],
  [BOB]: ['group:default/team-a'],
};

const entity: Entity = component('payments', 'team-a');
const otherEntity: Entity = component('stray', 'team-z');

const autoPolicy: CertificatePolicy = {
  name: 'services',
  selector: { owner: ['group:default/team-a'] },
  allowedDnsNames: [
    '{{entity.name}}.example.com',
    '*.{{entity.name}}.example.com',
  ],
  autoApprove: { maxValidityDays: 30 },
  approvals: { required: 2, approvers: ['group:default/security'] },
};

describe('requests API', () => {
  const databases = testDatabases();
  let csrPem: string;

  beforeAll(async () => {
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com', 'api.payments.example.com'],
    }));
  });

  function body(overrides: Record<string, unknown> = {}) {
    return {
      entityRef: 'component:default/payments',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com', 'api.payments.example.com'],
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 30,
      issuer: 'builtin',
      delivery: { kind: 'csr', csr: csrPem },
      justification: '<b>needed</b> for the API',
      ...overrides,
    };
  }

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    options: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      user?: string;
      knex?: Knex;
      /** The certificates.request.read decision (default: the `permission` result). */
      read?: PolicyDecision;
    } = {},
  ) {
    const knex: Knex = options.knex ?? (await databases.init(databaseId));
    const app = await requestsApp(knex, {
      user: options.user ?? ALICE,
      permissions: mockServices.permissions({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      read: options.read,
      policies: [autoPolicy],
      entities: [entity, otherEntity],
      groups: TEAM_A,
    });
    const stored = async () => {
      const { requests, audit } = await app.counts();
      return { requests, audit };
    };
    return { ...app, knex, stored };
  }

  it.each(databases.eachSupportedId())(
    'issues an auto-approved CSR request through the built-in CA, %p',
    async databaseId => {
      const { app, submit, ca, inventoried } = await setup(databaseId);
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

      const chain = await request(app).get(
        `/requests/${res.body.id}/chain.pem`,
      );
      expect(chain.status).toBe(200);
      const [leaf, issuing] = pemBlocks(chain.text).map(
        b => new X509Certificate(b.der),
      );
      const root = new X509Certificate(ca.rootCertificatePem);
      expect(leaf.verify(issuing.publicKey)).toBe(true);
      expect(issuing.verify(root.publicKey)).toBe(true);
      expect(leaf.subjectAltName).toBe(
        'DNS:payments.example.com, DNS:api.payments.example.com',
      );
      expect(leaf.serialNumber).toBe(res.body.serialNumber);
      expect(
        new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime(),
      ).toBeLessThanOrEqual(30 * 86400_000);
      expect(inventoried()).toEqual([
        expect.objectContaining({ serialNumber: leaf.serialNumber }),
      ]);

      const detail = await request(app).get(`/requests/${res.body.id}`);
      expect(detail.body.request.state).toBe('issued');
      expect(
        detail.body.audit.map((a: { action: string }) => a.action).sort(),
      ).toEqual(['created', 'issued', 'issuing']);

      const mine = await request(app).get('/requests?mine=true&state=issued');
      expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([
        res.body.id,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'queues a request the policy does not auto-approve; only the requester cancels, only while pending, %p',
    async databaseId => {
      const { app, submit, issueSpy, signSpy, knex } = await setup(databaseId);
      const res = await submit(body({ validityDays: 60 }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'pending',
        approvalsRequired: 2,
        approvers: ['group:default/security'],
        pendingReason: expect.stringMatching(/60 days exceeds the 30 days/),
      });
      expect(issueSpy).not.toHaveBeenCalled();
      expect(signSpy).not.toHaveBeenCalled();

      const bob = await setup(databaseId, { user: BOB, knex });
      const notMine = await request(bob.app).post(
        `/requests/${res.body.id}/cancel`,
      );
      expect(notMine.status).toBe(403);

      const cancelled = await request(app).post(
        `/requests/${res.body.id}/cancel`,
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('cancelled');
      const again = await request(app).post(`/requests/${res.body.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.name).toBe('ConflictError');
    },
  );

  it('notifies once: issued after auto-approval, queued when pending, failed when issuance fails', async () => {
    const { submit, notifier, signSpy, issuance, store } = await setup(
      'SQLITE_3',
    );
    const issued = await submit(body());
    expect(issued.body.state).toBe('issued');
    expect(notifier.requestIssued).toHaveBeenCalledTimes(1);
    // Claimed in the issuing transaction, then sent without a claim of its own.
    expect(notifier.claimIssued).toHaveBeenCalledWith(
      [expect.objectContaining({ id: issued.body.id, state: 'issued' })],
      expect.anything(),
    );
    expect(notifier.requestIssued).toHaveBeenCalledWith(
      expect.objectContaining({ id: issued.body.id, state: 'issued' }),
      { claimed: true },
    );
    expect(notifier.requestQueued).not.toHaveBeenCalled();
    expect(notifier.requestFailed).not.toHaveBeenCalled();

    const pending = await submit(body({ validityDays: 60 }));
    expect(notifier.requestQueued).toHaveBeenCalledTimes(1);
    expect(notifier.requestQueued).toHaveBeenCalledWith(
      expect.objectContaining({ id: pending.body.id, state: 'pending' }),
    );

    // The CA refuses; the request fails once however often issuance is retried.
    signSpy.mockImplementationOnce(() => {
      throw new Error('CA unavailable');
    });
    const failing = await submit(body());
    expect(failing.body).toMatchObject({
      state: 'failed',
      failureReason: 'CA unavailable',
    });
    expect(await issuance.issueApproved(failing.body.id)).toMatchObject({
      state: 'failed',
    });
    expect(notifier.requestFailed).toHaveBeenCalledTimes(1);
    expect(notifier.requestFailed).toHaveBeenCalledWith(
      expect.objectContaining({ id: failing.body.id, state: 'failed' }),
    );
    expect(notifier.requestIssued).toHaveBeenCalledTimes(1);
    expect((await store.get(failing.body.id))?.state).toBe('failed');
  });

  it.each(databases.eachSupportedId())(
    'an auto-approved request, its audit and the CA record commit together; a rollback leaves nothing, %p',
    async databaseId => {
      const { submit, knex, issueSpy, signSpy, recordSpy, stored } =
        await setup(databaseId);
      const issued = await submit(body());
      expect(issued.body.state).toBe('issued');
      expect(await stored()).toEqual({ requests: 1, audit: 3 });
      expect(
        await knex('certificates_ca_issued').where({
          request_id: issued.body.id,
        }),
      ).toHaveLength(1);
      const trail = await knex('certificates_audit')
        .where({ request_id: issued.body.id })
        .orderBy('seq');
      expect(trail.map(r => r.action)).toEqual([
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
      const { submit, knex, stored, inventoried, notifier } = await setup(
        databaseId,
      );
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
        const trail = await knex('certificates_audit')
          .where({ request_id: res.body.id })
          .orderBy('seq');
        expect(trail.map(r => r.action)).toEqual([
          'created',
          'issuing',
          'issued',
        ]);
      }
      expect(inventoried()).toHaveLength(12);
      expect(notifier.requestIssued).toHaveBeenCalledTimes(12);
    },
  );

  it('a notifier that throws changes no outcome', async () => {
    const { submit, notifier } = await setup('SQLITE_3');
    notifier.requestIssued.mockRejectedValue(new Error('notifications down'));
    notifier.requestQueued.mockRejectedValue(new Error('notifications down'));
    expect((await submit(body())).body.state).toBe('issued');
    const pending = await submit(body({ validityDays: 60 }));
    expect(pending.status).toBe(201);
    expect(pending.body.state).toBe('pending');
  });

  it.each(databases.eachSupportedId())(
    'enforces certificates.request.read: an unreadable request is a 404, lists filtered, %p',
    async databaseId => {
      const alice = await setup(databaseId);
      const bob = await setup(databaseId, { user: BOB, knex: alice.knex });
      const mine = (await alice.submit(body())).body;
      const pending = (await alice.submit(body({ validityDays: 60 }))).body;
      const bobs = (await bob.submit(body())).body;
      expect([mine.state, pending.state, bobs.state]).toEqual([
        'issued',
        'pending',
        'issued',
      ]);

      const conditional = (conditions: unknown): PolicyDecision => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'certificates',
        resourceType: 'certificate-request',
        conditions: conditions as never,
      });
      const ids = (res: request.Response) =>
        res.body.items.map((r: { id: string }) => r.id).sort();

      // Only requests Bob made (refs compare case-insensitively).
      const onlyBob = await setup(databaseId, {
        user: 'user:default/carol',
        knex: alice.knex,
        read: conditional(
          requestConditions.isRequester({ userRefs: ['User:default/BOB'] }),
        ),
      });
      expect(ids(await request(onlyBob.app).get('/requests'))).toEqual([
        bobs.id,
      ]);
      expect(
        (await request(onlyBob.app).get(`/requests/${bobs.id}`)).status,
      ).toBe(200);
      expect(
        (await request(onlyBob.app).get(`/requests/${bobs.id}/chain.pem`))
          .status,
      ).toBe(200);
      // Hidden requests are answered as missing ones are.
      const hidden = await request(onlyBob.app).get(`/requests/${mine.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toMatchObject({
        name: 'NotFoundError',
        message: `No request ${mine.id}`,
      });
      expect(
        (await request(onlyBob.app).get(`/requests/${mine.id}/chain.pem`))
          .status,
      ).toBe(404);
      expect(
        (await request(onlyBob.app).get('/requests/no-such-id')).status,
      ).toBe(404);

      // Nested criteria: owned by team-a and not (Alice's and still pending).
      const nested = await setup(databaseId, {
        user: 'user:default/carol',
        knex: alice.knex,
        read: conditional({
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
      });
      expect(ids(await request(nested.app).get('/requests'))).toEqual([
        bobs.id,
      ]);
      expect(
        (await request(nested.app).get(`/requests/${pending.id}`)).status,
      ).toBe(404);

      const everything = await setup(databaseId, {
        user: 'user:default/carol',
        knex: alice.knex,
      });
      expect(ids(await request(everything.app).get('/requests'))).toEqual(
        [mine.id, pending.id, bobs.id].sort(),
      );

      const nobody = await setup(databaseId, {
        user: 'user:default/carol',
        knex: alice.knex,
        read: { result: AuthorizeResult.DENY },
      });
      expect((await request(nobody.app).get('/requests')).body).toEqual({
        items: [],
      });
      expect(
        (await request(nobody.app).get(`/requests/${bobs.id}`)).status,
      ).toBe(404);
      expect(
        (await request(nobody.app).get(`/requests/${bobs.id}/chain.pem`))
          .status,
      ).toBe(404);
    },
  );

  describe('rejects bad input with 400, stores nothing and calls no issuer', () => {
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
      const { app, issueSpy, signSpy, stored } = await setup('SQLITE_3');
      const payload = await make();
      for (const path of ['/requests/validate', '/requests']) {
        const res = await request(app).post(path).send(payload);
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        const violation = res.body.violations.find(
          (v: { field: string }) => v.field === field,
        );
        expect(violation?.reason).toMatch(reason);
      }
      expect(await stored()).toEqual({ requests: 0, audit: 0 });
      expect(issueSpy).not.toHaveBeenCalled();
      expect(signSpy).not.toHaveBeenCalled();
    });
  });

  it('answers 413 with an error body for an oversized body, storing nothing', async () => {
    const { submit, issueSpy, stored } = await setup('SQLITE_3');
    const res = await submit(body({ justification: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        message: expect.stringMatching(/too large/i),
      }),
    );
    expect(await stored()).toEqual({ requests: 0, audit: 0 });
    expect(issueSpy).not.toHaveBeenCalled();
  });

  it('refuses callers without certificates.request.create', async () => {
    const { submit, stored } = await setup('SQLITE_3', {
      permission: AuthorizeResult.DENY,
    });
    const res = await submit(body());
    expect(res.status).toBe(403);
    expect(await stored()).toEqual({ requests: 0, audit: 0 });
  });

  it.each(databases.eachSupportedId())(
    'issues once per request: repeated and concurrent issuance, restart resume, %p',
    async databaseId => {
      const { submit, issuance, store, ca, knex } = await setup(databaseId);
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
      const signedBefore = await ca.issue({
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

  it('evaluates the policy again at issuance time', async () => {
    const { submit, store, issuance, validator, issueSpy } = await setup(
      'SQLITE_3',
    );
    const res = await submit(body({ validityDays: 60 }));
    await store.transition(res.body.id, ['pending'], 'approved', {});
    // The policy changed since: 60 days is now too long.
    (
      validator as unknown as { o: { policies: CertificatePolicy[] } }
    ).o.policies = [{ ...autoPolicy, maxValidityDays: 30 }];
    const failed = await issuance.issueApproved(res.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toMatch(
      /No longer allowed by policy: validityDays: 60 days exceeds/,
    );
    expect(issueSpy).not.toHaveBeenCalled();
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

/** A permissions mock whose conditional (resource) decisions are `read`. */
