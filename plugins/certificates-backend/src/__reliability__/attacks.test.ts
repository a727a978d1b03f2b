import {
  createLeafCertificate,
  tlsSecret,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  eventually,
  ReliabilityBackend,
  reliabilitySuite,
  rowDelta,
  sumPositive,
} from './__testUtils__/backend';
import { CA_KEY_USAGE, CA_TRUE, handMadeCsr } from './__testUtils__/csrs';
import {
  certManagerDelivery,
  CHECKOUT_NAME,
  checkoutBody,
  crlSerials,
  deepEntries,
  inventoryRow,
  PAYMENTS_NAME,
  paymentsBody,
  paymentsCsr,
  requestIn,
  requesterCsr,
  secretIn,
  secretRequestBody,
} from './__testUtils__/requests';
import {
  CLUSTER,
  ENTITIES,
  GROUPS,
  OPEN_REQUEST_CAP,
} from './__testUtils__/world';

/*
 * The attacks of the security report, each through HTTP against the real
 * plugin with a permission policy that allows everything: the backend's own
 * rules must hold whatever the policy says.
 */

const { tally, databases } = reliabilitySuite('attacks', 90_000);

describe.each(databases.eachSupportedId())('attacks on %p', databaseId => {
  let b: ReliabilityBackend;
  let aliceSecretRequest: { id: string; serialNumber?: string } | undefined;

  beforeAll(async () => {
    b = await ReliabilityBackend.start({
      knex: await databases.init(databaseId),
    });
  });
  afterAll(async () => {
    await b?.stop();
  });

  /** An attack's test: counted, and counted as held only when every assertion held. */
  const attack = (fn: () => Promise<void>) => async () => {
    tally.add({ attacks: 1 });
    await fn();
    tally.add({ attacksHeld: 1 });
  };

  /**
   * Runs `fn` where nothing may be written to the tables (all but `except`),
   * records what was written anyway and asserts it was nothing.
   */
  async function nothingWritten<T>(
    fn: () => Promise<T>,
    except: string[] = [],
  ): Promise<T> {
    const before = await b.settledRowCounts();
    const result = await fn();
    const after = await b.settledRowCounts();
    const delta = rowDelta(before, after);
    for (const table of except) delete delta[table];
    tally.add({ rowsWritten: sumPositive(delta) });
    expect(delta).toEqual({});
    return result;
  }

  /** `who` asks for checkout-web's certificate in a Secret of their naming. */
  const checkoutInto = (who: string, secretName: string) =>
    b.post(
      who,
      '/requests',
      checkoutBody({ delivery: secretIn('storefront', secretName) }),
    );

  /** Alice's auto-approved payments-api certificate, delivered as a Secret. */
  async function aliceIssued() {
    if (aliceSecretRequest) return aliceSecretRequest;
    const res = await b.post('alice', '/requests', paymentsBody());
    expect(res.status).toBe(201);
    aliceSecretRequest = await requestIn(b, res.body.id, ['issued']);
    return aliceSecretRequest!;
  }

  it(
    'a1: a non-owner csr request under an auto-approving policy waits for approvers and issues nothing',
    attack(async () => {
      const { body } = await paymentsCsr();
      const caCalls = b.caCalls.length;
      const issuedBefore = (await b.rowCounts()).certificates_ca_issued;
      const res = await b.post('carol', '/requests', body);
      expect(res.status).toBe(201);
      expect(res.body.state).toBe('pending');
      expect(res.body.requesterIsOwner).toBe(false);
      expect(res.body.serialNumber).toBeUndefined();
      for (const who of ['carol', 'alice', 'sam']) {
        const chain = await b.get(who, `/requests/${res.body.id}/chain.pem`);
        expect(chain.status).toBe(404);
        expect(chain.text).not.toContain('BEGIN CERTIFICATE');
      }
      expect(b.caCalls.length).toBe(caCalls);
      expect((await b.rowCounts()).certificates_ca_issued).toBe(issuedBefore);
    }),
  );

  it('control: the owner’s own csr request is auto-approved and issued', async () => {
    const { body } = await paymentsCsr();
    const res = await b.post('alice', '/requests', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'issued', requesterIsOwner: true });
    const chain = await b.get('alice', `/requests/${res.body.id}/chain.pem`);
    expect(chain.status).toBe(200);
  });

  it(
    'a2: a forged request-id label in another namespace links nothing; renew and revoke through it are refused',
    attack(async () => {
      const alice = await aliceIssued();
      const genuine = b.sim.get<any>(
        'v1',
        'Secret',
        'payments',
        'payments-api-tls',
      );
      expect(genuine).toBeDefined();
      const forgedLabels = {
        'backstage.io/kubernetes-id': 'checkout-web',
        'certificates.backstage.io/request-id': alice.id,
      };
      const own = await createLeafCertificate({
        commonName: CHECKOUT_NAME,
        dnsNames: [CHECKOUT_NAME],
      });
      const fake = await createLeafCertificate({
        commonName: CHECKOUT_NAME,
        dnsNames: [CHECKOUT_NAME],
        keySlot: 3,
      });
      b.sim.apply(
        tlsSecret({
          namespace: 'storefront',
          name: 'checkout-web-forged',
          labels: forgedLabels,
          certPem: own.chainPem,
          keyPem: own.keyPem,
        }) as any,
      );
      // A copy of Alice's genuine certificate (public) with a key of Carol's.
      b.sim.apply(
        tlsSecret({
          namespace: 'storefront',
          name: 'checkout-web-copy',
          labels: forgedLabels,
          certPem: Buffer.from(genuine!.data['tls.crt'], 'base64').toString(
            'utf8',
          ),
          keyPem: fake.keyPem,
        }) as any,
      );
      const rows = [
        await inventoryRow(b, 'storefront', 'checkout-web-forged'),
        await inventoryRow(b, 'storefront', 'checkout-web-copy'),
      ];
      const crlBefore = await crlSerials(b);
      await nothingWritten(async () => {
        for (const row of rows) {
          expect(row.requestId).not.toBe(alice.id);
          const details = await b.get('carol', `/certificates/${row.id}`);
          expect(details.body.requestId).not.toBe(alice.id);
          const renew = await b.post('carol', `/certificates/${row.id}/renew`);
          expect(renew.status).toBeGreaterThanOrEqual(400);
          expect(renew.status).toBeLessThan(500);
          const revoke = await b.post(
            'carol',
            `/certificates/${row.id}/revoke`,
            { reason: 'keyCompromise' },
          );
          expect(revoke.status).toBeGreaterThanOrEqual(400);
          expect(revoke.status).toBeLessThan(500);
        }
      }, ['certificates_audit']);
      const after = await b.get('alice', `/requests/${alice.id}`);
      expect(after.body.request.revokedAt).toBeUndefined();
      expect(await crlSerials(b)).toEqual(crlBefore);
    }),
  );

  it(
    "a3: a '*' namespace annotation does not open kube-system to Secret delivery",
    attack(async () => {
      const body = secretRequestBody(
        ENTITIES.wildSvc,
        'wild-svc.internal.example.com',
        secretIn('kube-system', 'wild-svc-tls'),
      );
      const since = b.sim.requests().length;
      await nothingWritten(async () => {
        for (const path of ['/requests/validate', '/requests']) {
          const res = await b.post('pat', path, body);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(/namespace/i);
        }
      });
      expect(b.clusterWritesSince(since)).toEqual([]);
    }),
  );

  it(
    'a4: cert-manager delivery never points at a Secret the portal did not create',
    attack(async () => {
      const leaf = await createLeafCertificate({
        commonName: PAYMENTS_NAME,
        dnsNames: [PAYMENTS_NAME],
      });
      b.sim.apply(
        tlsSecret({
          namespace: 'payments',
          name: 'legacy-tls',
          certPem: leaf.chainPem,
          keyPem: leaf.keyPem,
        }) as any,
      );
      await inventoryRow(b, 'payments', 'legacy-tls');
      await nothingWritten(async () => {
        for (const path of ['/requests/validate', '/requests']) {
          const res = await b.post(
            'alice',
            path,
            paymentsBody(certManagerDelivery('legacy-tls')),
          );
          expect(res.status).toBe(400);
          expect(res.body.error.message).toMatch(/secret/i);
        }
      });
      expect(
        b.sim.get(
          'cert-manager.io/v1',
          'Certificate',
          'payments',
          'legacy-tls',
        ),
      ).toBeUndefined();

      // A Secret that appears between submission and issuance.
      const submitted = await b.post(
        'alice',
        '/requests',
        paymentsBody(certManagerDelivery('late-tls')),
      );
      expect(submitted.status).toBe(201);
      expect(submitted.body.state).toBe('pending');
      const planted = b.sim.apply(
        tlsSecret({
          namespace: 'payments',
          name: 'late-tls',
          certPem: leaf.chainPem,
          keyPem: leaf.keyPem,
        }) as any,
      );
      const decision = await b.post(
        'sam',
        `/requests/${submitted.body.id}/decision`,
        { decision: 'approve' },
      );
      expect([200, 409]).toContain(decision.status);
      const failed = await requestIn(b, submitted.body.id, [
        'failed',
        'issued',
        'issuing',
        'approved',
      ]).then(async r =>
        r.state === 'failed' ? r : requestIn(b, submitted.body.id, ['failed']),
      );
      expect(failed.failureReason ?? '').toMatch(/secret/i);
      expect(
        b.sim.get('cert-manager.io/v1', 'Certificate', 'payments', 'late-tls'),
      ).toBeUndefined();
      const untouched = b.sim.get<any>('v1', 'Secret', 'payments', 'late-tls');
      expect(untouched.metadata.resourceVersion).toBe(
        planted.metadata.resourceVersion,
      );
    }),
  );

  it(
    'a5: an in-cluster CA CertificateRequest shows what it asks for and cannot be approved, singly or in bulk',
    attack(async () => {
      const csr = handMadeCsr({
        commonName: PAYMENTS_NAME,
        dnsNames: [PAYMENTS_NAME],
        extensions: [CA_TRUE, CA_KEY_USAGE],
      });
      b.sim.apply({
        apiVersion: 'cert-manager.io/v1',
        kind: 'CertificateRequest',
        metadata: {
          name: 'payments-api-ca',
          namespace: 'payments',
          labels: { 'backstage.io/kubernetes-id': 'payments-api' },
        },
        spec: {
          request: Buffer.from(csr.pem).toString('base64'),
          isCA: true,
          usages: ['cert sign', 'crl sign'],
          duration: '87600h',
          username: 'system:serviceaccount:payments:deployer',
          issuerRef: {
            name: 'corp-ca',
            kind: 'ClusterIssuer',
            group: 'cert-manager.io',
          },
        },
      } as any);
      const item = await eventually(async () => {
        const queue = await b.get('sam', '/approvals');
        const found = (queue.body.items ?? []).find(
          (i: any) => i.inCluster?.name === 'payments-api-ca',
        );
        if (!found) throw new Error('not in the queue yet');
        return found;
      });
      const entries = deepEntries(item);
      expect(
        entries.some(([k, v]) => /^(.*\.)?is_?ca$/i.test(k) && v === true),
      ).toBe(true);
      expect(
        entries.some(
          ([, v]) => typeof v === 'string' && /cert ?sign|keyCertSign/i.test(v),
        ),
      ).toBe(true);
      expect(
        entries.some(([, v]) => v === '87600h' || v === 3650 || v === 87600),
      ).toBe(true);
      await nothingWritten(async () => {
        const single = await b.post(
          'sam',
          `/requests/${encodeURIComponent(item.id)}/decision`,
          { decision: 'approve' },
        );
        expect(single.status).toBeGreaterThanOrEqual(400);
        expect(`${single.status} ${single.text}`).toMatch(/^4/);
        const bulk = await b.post('sam', '/approvals/bulk', {
          ids: [item.id],
          decision: 'approve',
        });
        expect(bulk.status === 200 ? bulk.body.results[0].ok : false).toBe(
          false,
        );
      }, ['certificates_audit']);
      const cr = b.sim.get<any>(
        'cert-manager.io/v1',
        'CertificateRequest',
        'payments',
        'payments-api-ca',
      );
      expect(
        (cr.status?.conditions ?? []).filter((c: any) => c.type === 'Approved'),
      ).toEqual([]);
    }),
  );

  it(
    'csr delivery naming a cluster or namespace is refused with the reason',
    attack(async () => {
      const { csrPem } = await requesterCsr(PAYMENTS_NAME);
      await nothingWritten(async () => {
        const res = await b.post('alice', '/requests', {
          ...paymentsBody(),
          delivery: {
            kind: 'csr',
            csr: csrPem,
            cluster: CLUSTER,
            namespace: 'payments',
          },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/delivery\.(cluster|namespace)/);
      });
    }),
  );

  it(
    'an approval from someone no longer an approver does not count',
    attack(async () => {
      const submitted = await b.post('carol', '/requests', checkoutBody());
      expect(submitted.status).toBe(201);
      expect(submitted.body.state).toBe('pending');
      const id = submitted.body.id;
      expect(
        (
          await b.post('sasha', `/requests/${id}/decision`, {
            decision: 'approve',
          })
        ).status,
      ).toBe(200);
      b.setGroups('sasha', []);
      try {
        await b.post('sam', `/requests/${id}/decision`, {
          decision: 'approve',
        });
        expect((await b.get('sam', `/requests/${id}`)).body.request.state).toBe(
          'pending',
        );
        expect(
          (
            await b.post('sol', `/requests/${id}/decision`, {
              decision: 'approve',
            })
          ).status,
        ).toBe(200);
        await requestIn(b, id, ['issued']);
      } finally {
        b.setGroups('sasha', [GROUPS.security]);
      }
    }),
  );

  it(
    'a requester never approves their own request, and a service token never approves',
    attack(async () => {
      const submitted = await checkoutInto('sam', 'sam-tls');
      expect(submitted.status).toBe(201);
      const id = submitted.body.id;
      await nothingWritten(async () => {
        const self = await b.post('sam', `/requests/${id}/decision`, {
          decision: 'approve',
        });
        expect(self.status).toBe(403);
        const service = await b.post('service', `/requests/${id}/decision`, {
          decision: 'approve',
        });
        expect([401, 403]).toContain(service.status);
      }, ['certificates_audit']);
      expect((await b.get('sam', `/requests/${id}`)).body.request.state).toBe(
        'pending',
      );
    }),
  );

  it(
    'a request the caller may not read answers 404, exactly like one that does not exist',
    attack(async () => {
      const alice = await aliceIssued();
      b.permissions.deny('user:default/dave', 'certificates.request.read');
      await nothingWritten(async () => {
        for (const id of [alice.id, '01a00000-0000-7000-8000-000000000000']) {
          for (const answer of [
            await b.get('dave', `/requests/${id}`),
            await b.get('dave', `/requests/${id}/chain.pem`),
            await b.post('dave', `/requests/${id}/cancel`),
          ]) {
            expect(answer.status).toBe(404);
            expect(answer.body.error.name).toBe('NotFoundError');
          }
        }
      });
    }),
  );

  it(
    'open requests per user are capped: the next one is 429 and nothing is stored',
    attack(async () => {
      for (let i = 0; i < OPEN_REQUEST_CAP; i++) {
        const res = await checkoutInto('cody', `cody-${i}`);
        expect(res.status).toBe(201);
      }
      await nothingWritten(async () => {
        const res = await checkoutInto('cody', 'cody-over');
        expect(res.status).toBe(429);
        expect(res.body.error.message).toMatch(/limit/i);
      });
    }),
  );
});
