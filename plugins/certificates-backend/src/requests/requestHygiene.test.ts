import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import request from 'supertest';
import { requestConditions } from '../permissions';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import {
  ALICE,
  CAROL,
  csrInput,
  paymentsPolicy,
  requestsApp,
  SAM,
} from './__testUtils__/requestsApp';
import { NewRequest } from './RequestStore';
import { TooManyRequestsError } from './errors';
import { readCertificatesSettings } from '../config';
import { testDatabases } from '../__testUtils__';

jest.setTimeout(90_000);

const databases = testDatabases();

/** A request Carol makes for checkout-web (her team's): pending, as 60 days exceeds what storefront approves by itself. */
const carolsOwn = (csrPem: string) =>
  csrInput(csrPem, {
    entityRef: 'component:default/checkout-web',
    commonName: 'checkout-web.shop.example.com',
    dnsNames: ['checkout-web.shop.example.com'],
    validityDays: 60,
  });

/** Copies of `original` under new ids, as NewRequests (state kept). */
function copies(
  original: CertificateRequest,
  n: number,
  patch: Partial<NewRequest> = {},
): NewRequest[] {
  const { id, createdAt, updatedAt, decisions, ...rest } = original;
  return Array.from({ length: n }, (_, i) => ({
    ...rest,
    id: `${id}-copy-${i}`,
    ...patch,
  }));
}

describe('request hygiene', () => {
  let payments: string;
  let checkout: string;

  beforeAll(async () => {
    [payments, checkout] = await Promise.all(
      ['payments-api', 'checkout-web'].map(
        async name =>
          (
            await generateKeyAndCsr({
              keyAlgorithm: 'ECDSA-P256',
              commonName: `${name}.shop.example.com`,
              dnsNames: [`${name}.shop.example.com`],
            })
          ).csrPem,
      ),
    );
  });

  describe('csr delivery goes to no cluster', () => {
    it.each(databases.eachSupportedId())(
      'csr delivery naming a cluster, namespace or Secret is refused with 400 per field, nothing stored, %p',
      async databaseId => {
        const knex: Knex = await databases.init(databaseId);
        const alice = await requestsApp(knex, { user: ALICE });
        const before = await alice.counts();
        const input = csrInput(payments, {
          delivery: {
            kind: 'csr',
            csr: payments,
            cluster: 'prod',
            namespace: 'kube-system',
            secretName: 'payments-tls',
          },
        });
        for (const path of ['/requests/validate', '/requests']) {
          const res = await request(alice.app).post(path).send(input);
          expect(res.status).toBe(400);
          expect(res.body.error.name).toBe('InputError');
          expect(res.body.violations).toEqual(
            ['cluster', 'namespace', 'secretName'].map(field => ({
              field: `delivery.${field}`,
              reason: `csr delivery is downloaded, not written to a cluster: leave out ${field}`,
            })),
          );
        }
        expect(await alice.counts()).toEqual(before);
        expect(alice.signSpy).not.toHaveBeenCalled();
      },
    );

    it("never selects a policy by a csr request's namespace; secret delivery still does", async () => {
      const knex: Knex = await databases.init('SQLITE_3');
      // Listed first, it would win for any request naming kube-system.
      const byNamespace: CertificatePolicy = {
        name: 'kube-system-open',
        selector: { namespace: ['kube-system'] },
        allowedDnsNames: ['*.shop.example.com'],
        allowedNamespaces: ['kube-system'],
        autoApprove: true,
      };
      const { validator } = await requestsApp(knex, {
        user: ALICE,
        policies: [byNamespace, paymentsPolicy],
      });
      const credentials = mockCredentials.user(ALICE);
      const who = {
        userEntityRef: ALICE,
        ownershipEntityRefs: [ALICE, 'group:default/payments'],
      };
      const csr = await validator.validate(
        csrInput(payments, {
          delivery: { kind: 'csr', csr: payments, namespace: 'kube-system' },
        }),
        credentials,
        who,
      );
      expect(csr.policy?.name).toBe('payments');
      expect(csr.result.policyName).toBe('payments');
      const secret = await validator.validate(
        csrInput(payments, {
          delivery: {
            kind: 'secret',
            cluster: 'prod',
            namespace: 'kube-system',
            secretName: 'payments-tls',
          },
        }),
        credentials,
        who,
      );
      expect(secret.policy?.name).toBe('kube-system-open');
    });
  });

  describe('open requests per user', () => {
    it('reads certificates.requests.maxOpenPerUser, 20 by default, and refuses nonsense', () => {
      const readMaxOpenPerUser = (certificates: object) =>
        readCertificatesSettings(
          new ConfigReader({
            backend: { baseUrl: 'http://localhost' },
            certificates,
          }),
        ).requests.maxOpenPerUser;
      expect(readMaxOpenPerUser({})).toBe(20);
      const read = (value: number) =>
        readMaxOpenPerUser({ requests: { maxOpenPerUser: value } });
      expect(read(5)).toBe(5);
      expect(() => read(0)).toThrow(/at least 1/);
      expect(() => read(2.5)).toThrow(/whole number/);
    });

    it.each(databases.eachSupportedId())(
      'over the cap a request gets 429 TooManyRequestsError and nothing is stored; decided requests free a place, %p',
      async databaseId => {
        const knex: Knex = await databases.init(databaseId);
        const carol = await requestsApp(knex, {
          user: CAROL,
          maxOpenPerUser: 3,
        });
        const alice = await requestsApp(knex, {
          user: ALICE,
          maxOpenPerUser: 3,
        });
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await carol.submit(carolsOwn(checkout));
          expect(res.body.state).toBe('pending');
          ids.push(res.body.id);
        }
        // One approved: still open.
        await carol.store.transition(ids[0], ['pending'], 'approved', {});
        const before = await carol.counts();

        const refused = await carol.submit(carolsOwn(checkout));

        expect(refused.status).toBe(429);
        expect(refused.body.error).toEqual(
          expect.objectContaining({
            name: 'TooManyRequestsError',
            message:
              'you have 3 open requests; the limit is 3; cancel one or wait for decisions',
          }),
        );
        expect(await carol.counts()).toEqual(before);
        expect(await carol.store.countOpen(CAROL)).toBe(3);

        // Someone else's requests are theirs to count.
        const alices = await alice.submit(csrInput(payments));
        expect(alices.status).toBe(201);

        // A cancelled request frees a place.
        expect(
          (await request(carol.app).post(`/requests/${ids[1]}/cancel`)).status,
        ).toBe(200);
        const accepted = await carol.submit(carolsOwn(checkout));
        expect(accepted.status).toBe(201);
        expect(accepted.body.state).toBe('pending');
      },
    );

    it.each(databases.eachSupportedId())(
      'the default cap is 20, and the message says so, %p',
      async databaseId => {
        const knex: Knex = await databases.init(databaseId);
        const carol = await requestsApp(knex, { user: CAROL });
        const first = (await carol.submit(carolsOwn(checkout))).body;
        await carol.store.createMany(copies(first, 19));
        const before = await carol.counts();
        const refused = await carol.submit(carolsOwn(checkout));
        expect(refused.status).toBe(429);
        expect(refused.body.error.message).toBe(
          'you have 20 open requests; the limit is 20; cancel one or wait for decisions',
        );
        expect(await carol.counts()).toEqual(before);
      },
    );

    it.each(databases.eachSupportedId())(
      'automatic renewals by plugin:certificates are exempt, and so is a certificate issued at once; a request that would wait counts, %p',
      async databaseId => {
        const knex: Knex = await databases.init(databaseId);
        const alice = await requestsApp(knex, {
          user: ALICE,
          maxOpenPerUser: 1,
        });
        const issued = (await alice.submit(csrInput(payments))).body;
        expect(issued.state).toBe('issued');
        const pending = (await alice.submit(carolsOwn(checkout))).body;
        expect(pending.state).toBe('pending');
        // The plugin has open requests of its own, well past any cap.
        await alice.store.createMany(
          copies(pending, 3, {
            requester: 'plugin:certificates',
            entityRef: 'component:default/other',
          }),
        );

        const before = await alice.counts();
        const waiting = alice.service.submit(carolsOwn(checkout), {
          credentials: mockCredentials.user(ALICE),
          userEntityRef: ALICE,
        });
        await expect(waiting).rejects.toBeInstanceOf(TooManyRequestsError);
        expect(await alice.counts()).toEqual(before);

        // An owner's renewal of a CSR certificate is issued within the call:
        // it never waits, so the cap does not hold it back.
        const byAlice = await alice.service.submit(
          csrInput(payments),
          { credentials: mockCredentials.user(ALICE), userEntityRef: ALICE },
          { renewalOf: issued.id },
        );
        expect(byAlice.request).toMatchObject({
          state: 'issued',
          renewalOf: issued.id,
        });

        const automatic = await alice.service.submit(
          csrInput(payments),
          {
            credentials: mockCredentials.service('plugin:certificates'),
            userEntityRef: 'plugin:certificates',
          },
          { renewalOf: issued.id },
        );
        expect(automatic.request).toMatchObject({
          state: 'issued',
          renewalOf: issued.id,
        });
      },
    );
  });

  describe('a request the caller may not read does not exist for them', () => {
    const onlyOwnRequests = (user: string): PolicyDecision => ({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'certificates',
      resourceType: 'certificates-request',
      conditions: requestConditions.isRequester({ userRefs: [user] }),
    });

    it.each(databases.eachSupportedId())(
      'GET, chain.pem and cancel answer 404 exactly as for a missing id; a reader who is not the requester may not cancel (403); nothing changes, %p',
      async databaseId => {
        const knex: Knex = await databases.init(databaseId);
        const alice = await requestsApp(knex, { user: ALICE });
        const issued = (await alice.submit(csrInput(payments))).body;
        const pending = (await alice.submit(carolsOwn(checkout))).body;
        expect([issued.state, pending.state]).toEqual(['issued', 'pending']);
        const carol = await requestsApp(knex, {
          user: CAROL,
          read: onlyOwnRequests(CAROL),
        });
        const nobody = await requestsApp(knex, {
          user: CAROL,
          read: { result: AuthorizeResult.DENY },
        });
        const before = await alice.counts();

        const answer = async (
          app: typeof carol.app,
          method: 'get' | 'post',
          path: string,
        ) => {
          const res = await request(app)[method](path);
          return {
            status: res.status,
            error: res.body.error && {
              name: res.body.error.name,
              message: res.body.error.message,
            },
          };
        };
        const missing = (id: string) => ({
          status: 404,
          error: { name: 'NotFoundError', message: `No request ${id}` },
        });
        for (const app of [carol.app, nobody.app]) {
          for (const id of [issued.id, pending.id, 'no-such-request']) {
            expect(await answer(app, 'get', `/requests/${id}`)).toEqual(
              missing(id),
            );
            expect(
              await answer(app, 'get', `/requests/${id}/chain.pem`),
            ).toEqual(missing(id));
            expect(await answer(app, 'post', `/requests/${id}/cancel`)).toEqual(
              missing(id),
            );
          }
        }
        expect((await alice.store.get(pending.id))?.state).toBe('pending');
        expect(await alice.counts()).toEqual(before);

        // Sam may read everything, but it is not his request to cancel.
        const sam = await requestsApp(knex, { user: SAM });
        expect(
          (await request(sam.app).get(`/requests/${pending.id}`)).status,
        ).toBe(200);
        const notHis = await request(sam.app).post(
          `/requests/${pending.id}/cancel`,
        );
        expect(notHis.status).toBe(403);
        expect(notHis.body.error.name).toBe('NotAllowedError');
        expect((await alice.store.get(pending.id))?.state).toBe('pending');
        expect(await alice.counts()).toEqual(before);

        // Alice reads and cancels her own.
        expect(
          (await request(alice.app).get(`/requests/${issued.id}/chain.pem`))
            .status,
        ).toBe(200);
        expect(
          (await request(alice.app).post(`/requests/${pending.id}/cancel`)).body
            .state,
        ).toBe('cancelled');
      },
    );
  });
});
