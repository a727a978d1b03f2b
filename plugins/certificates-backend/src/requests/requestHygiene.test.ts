import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { requestConditions } from '../permissions';
import {
  ALICE,
  CAROL,
  csrInput,
  expectError,
  paymentsPolicy,
  readDecisionsOf,
  pluginItself,
  renewalsOf,
  shopPerTest,
  shopUser,
} from './__testUtils__/shop';
import { DatabaseRequestStore } from './DatabaseRequestStore';
import { NewRequest } from './RequestStore';
import { TooManyRequestsError } from './errors';
import { readCertificatesSettings } from '../config';
import { countRows, csrFor, testDatabases } from '../__testUtils__';
import { Caller } from '../__testUtils__/testBackend';

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
  const suite = shopPerTest(databases);

  beforeAll(async () => {
    [payments, checkout] = await Promise.all([
      csrFor('payments-api.shop.example.com'),
      csrFor('checkout-web.shop.example.com'),
    ]);
  });

  describe('csr delivery goes to no cluster', () => {
    it.each(databases.eachSupportedId())(
      'csr delivery naming a cluster, namespace or Secret is refused with 400 per field, nothing stored, %p',
      async databaseId => {
        const { plugin } = await suite.shop(databaseId);
        const before = await plugin.counts();
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
          const res = await plugin.post(path, 'alice').send(input);
          expect(res.status).toBe(400);
          expect(res.body.error.name).toBe('InputError');
          expect(res.body.violations).toEqual(
            ['cluster', 'namespace', 'secretName'].map(field => ({
              field: `delivery.${field}`,
              reason: `csr delivery is downloaded, not written to a cluster: leave out ${field}`,
            })),
          );
        }
        expect(await plugin.counts()).toEqual(before);
        expect(suite.ca.signSpy).not.toHaveBeenCalled();
      },
    );

    it("never selects a policy by a csr request's namespace; secret delivery still does", async () => {
      // Listed first, it would win for any request naming kube-system.
      const byNamespace: CertificatePolicy = {
        name: 'kube-system-open',
        selector: { namespace: ['kube-system'] },
        allowedDnsNames: ['*.shop.example.com'],
        allowedNamespaces: ['kube-system'],
        autoApprove: true,
      };
      // Which policy a request falls under is not a route's answer: the
      // plugin's validator is asked directly.
      const harness = await suite.services('SQLITE_3', {
        policies: [byNamespace, paymentsPolicy],
      });
      const { validator } = harness;
      const { credentials, ...who } = shopUser(ALICE);
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
        const { knex, plugin } = await suite.shop(databaseId, {
          maxOpenPerUser: 3,
        });
        const store = DatabaseRequestStore.create({ knex });
        const submitCarols = () =>
          plugin.post('/requests', 'carol').send(carolsOwn(checkout));
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await submitCarols();
          expect(res.body.state).toBe('pending');
          ids.push(res.body.id);
        }
        // One approved and not issued yet: still open.
        await store.transition(ids[0], ['pending'], 'approved', {});
        const before = await plugin.counts();

        const refused = await submitCarols();

        expectError(refused, 429, {
          name: 'TooManyRequestsError',
          message:
            'you have 3 open requests; the limit is 3; cancel one or wait for decisions',
        });
        expect(await plugin.counts()).toEqual(before);
        expect(await store.countOpen(CAROL)).toBe(3);

        // Someone else's requests are theirs to count.
        const alices = await plugin
          .post('/requests', 'alice')
          .send(csrInput(payments));
        expect(alices.status).toBe(201);

        // A cancelled request frees a place.
        expect(
          (await plugin.post(`/requests/${ids[1]}/cancel`, 'carol')).status,
        ).toBe(200);
        const accepted = await submitCarols();
        expect(accepted.status).toBe(201);
        expect(accepted.body.state).toBe('pending');
      },
    );

    it.each(databases.eachSupportedId())(
      'the default cap is 20, and the message says so, %p',
      async databaseId => {
        const { knex, plugin } = await suite.shop(databaseId);
        const submitCarols = () =>
          plugin.post('/requests', 'carol').send(carolsOwn(checkout));
        const first = (await submitCarols()).body;
        await DatabaseRequestStore.create({ knex }).createMany(
          copies(first, 19),
        );
        const before = await plugin.counts();
        const refused = await submitCarols();
        expect(refused.status).toBe(429);
        expect(refused.body.error.message).toBe(
          'you have 20 open requests; the limit is 20; cancel one or wait for decisions',
        );
        expect(await plugin.counts()).toEqual(before);
      },
    );

    // The plugin's own renewals have no route: RequestService is called as
    // the scheduler calls it.
    it.each(databases.eachSupportedId())(
      'automatic renewals by plugin:certificates are exempt, and so is a certificate issued at once; a request that would wait counts, %p',
      async databaseId => {
        const harness = await suite.services(databaseId, {
          maxOpenPerUser: 1,
        });
        const { requestService, requestStore, knex } = harness;
        const renew = renewalsOf(requestService, csrInput(payments));
        const alice = shopUser(ALICE);
        const issued = (await requestService.submit(csrInput(payments), alice))
          .request!;
        expect(issued.state).toBe('issued');
        const pending = (
          await requestService.submit(carolsOwn(checkout), alice)
        ).request!;
        expect(pending.state).toBe('pending');
        // The plugin has open requests of its own, well past any cap.
        await requestStore.createMany(
          copies(pending, 3, {
            requester: 'plugin:certificates',
            entityRef: 'component:default/other',
          }),
        );
        const rows = () =>
          countRows(knex, ['certificates_requests', 'certificates_audit']);

        const before = await rows();
        const waiting = requestService.submit(carolsOwn(checkout), alice);
        await expect(waiting).rejects.toBeInstanceOf(TooManyRequestsError);
        expect(await rows()).toEqual(before);

        // An owner's renewal of a CSR certificate is issued within the call:
        // it never waits, so the cap does not hold it back.
        const byAlice = await renew(alice, issued.id);
        expect(byAlice).toMatchObject({
          state: 'issued',
          renewalOf: issued.id,
        });

        const automatic = await renew(pluginItself, issued.id);
        expect(automatic).toMatchObject({
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
        // Carol reads only her own requests; Nobody reads none; Sam reads all.
        const { knex, plugin } = await suite.shop(databaseId, {
          permissions: readDecisionsOf({
            carol: onlyOwnRequests(CAROL),
            nobody: { result: AuthorizeResult.DENY },
          }),
        });
        const store = DatabaseRequestStore.create({ knex });
        const issued = (
          await plugin.post('/requests', 'alice').send(csrInput(payments))
        ).body;
        const pending = (
          await plugin.post('/requests', 'alice').send(carolsOwn(checkout))
        ).body;
        expect([issued.state, pending.state]).toEqual(['issued', 'pending']);
        const before = await plugin.counts();

        const answer = async (
          who: Caller,
          method: 'get' | 'post',
          path: string,
        ) => {
          const res = await plugin[method](path, who);
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
        for (const who of ['carol', 'nobody']) {
          for (const id of [issued.id, pending.id, 'no-such-request']) {
            expect(await answer(who, 'get', `/requests/${id}`)).toEqual(
              missing(id),
            );
            expect(
              await answer(who, 'get', `/requests/${id}/chain.pem`),
            ).toEqual(missing(id));
            expect(await answer(who, 'post', `/requests/${id}/cancel`)).toEqual(
              missing(id),
            );
          }
        }
        expect((await store.get(pending.id))?.state).toBe('pending');
        expect(await plugin.counts()).toEqual(before);

        // Sam may read everything, but it is not his request to cancel.
        expect(
          (await plugin.get(`/requests/${pending.id}`, 'sam')).status,
        ).toBe(200);
        const notHis = await plugin.post(
          `/requests/${pending.id}/cancel`,
          'sam',
        );
        expect(notHis.status).toBe(403);
        expect(notHis.body.error.name).toBe('NotAllowedError');
        expect((await store.get(pending.id))?.state).toBe('pending');
        expect(await plugin.counts()).toEqual(before);

        // Alice reads and cancels her own.
        expect(
          (await plugin.get(`/requests/${issued.id}/chain.pem`, 'alice'))
            .status,
        ).toBe(200);
        expect(
          (await plugin.post(`/requests/${pending.id}/cancel`, 'alice')).body
            .state,
        ).toBe('cancelled');
      },
    );
  });
});
