import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import request from 'supertest';
import {
  createHarness,
  SECURITY_GROUP as SECURITY,
  testDatabases,
} from '../__testUtils__';
import { approvalsApp, as } from '../approvals/__testUtils__/approvalsApp';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { InClusterApprovals } from './InClusterApprovals';
import { shopCertificateRequest } from './__testUtils__/shopRequests';
import { nameOnlyIdentities } from './__testUtils__/inClusterDefaults';
import { InClusterDecisionLog } from './InClusterDecisionLog';

const crypto = webcrypto as Crypto;
/** NameConstraints permitting dNSName example.com. */
const NAME_CONSTRAINTS = Buffer.from(
  '3011a00f300d820b6578616d706c652e636f6d',
  'hex',
);

async function csr(
  name: string,
  extensions: x509.Extension[] = [],
): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await crypto.subtle.generateKey(alg, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const generated = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: `CN=${name}`,
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: name },
        ]),
        ...extensions,
      ],
    },
    crypto,
  );
  return Buffer.from(generated.toString('pem')).toString('base64');
}

describe('InClusterApprovals and CA certificates', () => {
  const databases = testDatabases();
  let sim: KubernetesApiSimulator;

  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start();
  });
  afterAll(() => sim.stop());

  function addCr(name: string, spec: Record<string, unknown>) {
    sim.apply(
      shopCertificateRequest(name, {
        username: 'system:serviceaccount:shop:deployer',
        ...spec,
      }),
    );
  }
  const conditions = (name: string) =>
    sim.get<any>('cert-manager.io/v1', 'CertificateRequest', 'shop', name)
      ?.status?.conditions ?? [];

  async function setup(caIssuers?: string[]) {
    const h = await createHarness(databases, 'SQLITE_3', { policies: [] });
    const { knex, audit, permissions } = h;
    const inCluster = InClusterApprovals.create({
      clusters: { list: () => [{ name: 'sim', kubeConfig: sim.kubeConfig() }] },
      approvers: [SECURITY],
      caIssuers,
      permissions,
      audit,
      logger: mockServices.logger.mock(),
      identities: nameOnlyIdentities,
      decisionLog: InClusterDecisionLog.create({ knex }),
      listCacheMs: 0,
    });
    const app = approvalsApp({
      service: h.approvals,
      audit,
      permissions,
      external: [inCluster],
    });
    const auditRows = async () =>
      Number((await knex('certificates_audit').count({ n: '*' }))[0].n);
    return { app, inCluster, auditRows };
  }

  it('shows everything a CA CertificateRequest asks for and refuses to approve it, singly and in bulk', async () => {
    addCr('shop-root-ca', {
      request: await csr('api.shop.example.com'),
      isCA: true,
      usages: ['cert sign', 'crl sign'],
      duration: '87600h',
    });
    const { app, auditRows } = await setup();
    const queue = await request(app)
      .get('/approvals')
      .set('Authorization', as('sec1'));
    expect(queue.status).toBe(200);
    const item = queue.body.items.find(
      (i: any) => i.inCluster?.name === 'shop-root-ca',
    );
    expect(item).toMatchObject({
      dnsNames: ['api.shop.example.com'],
      validityDays: 3650,
      requested: {
        commonName: 'api.shop.example.com',
        dnsNames: ['api.shop.example.com'],
        isCA: true,
        keyUsages: ['cert sign', 'crl sign'],
        duration: '87600h',
        durationHours: 87600,
        key: { algorithm: 'EC', curve: 'P-256' },
      },
      approvability: {
        approvable: false,
        refusal: 'ca-certificate',
        reason: expect.stringContaining(
          'allows no CA certificates from ClusterIssuer/corp-ca',
        ),
      },
    });

    const before = await auditRows();
    const single = await request(app)
      .post(`/requests/${encodeURIComponent(item.id)}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'approve', reason: 'looks fine' });
    expect(single.status).toBe(403);
    expect(single.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(/CA certificate/),
    });
    const bulk = await request(app)
      .post('/approvals/bulk')
      .set('Authorization', as('sec1'))
      .send({ ids: [item.id], decision: 'approve' });
    expect(bulk.body.results).toEqual([
      {
        id: item.id,
        ok: false,
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      },
    ]);
    expect(conditions('shop-root-ca')).toEqual([]);
    expect(await auditRows()).toBe(before);

    // Denying stays possible.
    const denied = await request(app)
      .post(`/requests/${encodeURIComponent(item.id)}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'deny', reason: 'no CA certificates from corp-ca' });
    expect(denied.status).toBe(200);
    expect(conditions('shop-root-ca')).toEqual([
      expect.objectContaining({ type: 'Denied', status: 'True' }),
    ]);
  });

  it('refuses a CSR that asks for CA:TRUE, cert sign or name constraints when the spec says nothing', async () => {
    addCr('csr-ca-true', {
      request: await csr('a.shop.example.com', [
        new x509.BasicConstraintsExtension(true),
      ]),
    });
    addCr('csr-cert-sign', {
      request: await csr('b.shop.example.com', [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign),
      ]),
    });
    addCr('csr-name-constraints', {
      request: await csr('c.shop.example.com', [
        new x509.Extension('2.5.29.30', true, NAME_CONSTRAINTS),
      ]),
    });
    const { inCluster } = await setup();
    const caller = {
      credentials: mockCredentials.user('user:default/sec1'),
      userEntityRef: 'user:default/sec1',
      ownershipEntityRefs: ['user:default/sec1', SECURITY],
    };
    for (const [name, why] of [
      ['csr-ca-true', 'it is a CA certificate'],
      ['csr-cert-sign', 'its key usages include cert sign'],
      ['csr-name-constraints', 'its CSR asks for name constraints'],
    ]) {
      await expect(
        inCluster.decide({
          caller,
          requestId: InClusterApprovals.idOf('sim', 'shop', name),
          decision: 'approve',
        }),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(why),
      });
      expect(conditions(name)).toEqual([]);
    }
  });

  it('refuses to approve a CSR it cannot read (409), and lets it be denied', async () => {
    addCr('unreadable', { request: Buffer.from('garbage').toString('base64') });
    const { app } = await setup(['ClusterIssuer/corp-ca']);
    const id = InClusterApprovals.idOf('sim', 'shop', 'unreadable');
    const queue = await request(app)
      .get('/approvals')
      .set('Authorization', as('sec1'));
    expect(queue.body.items.find((i: any) => i.id === id)).toMatchObject({
      requested: { csrError: 'not a valid PKCS#10 certificate request' },
      approvability: { approvable: false, refusal: 'unreadable-csr' },
    });
    const approve = await request(app)
      .post(`/requests/${encodeURIComponent(id)}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'approve' });
    expect(approve.status).toBe(409);
    expect(conditions('unreadable')).toEqual([]);
    const deny = await request(app)
      .post(`/requests/${encodeURIComponent(id)}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'deny', reason: 'unreadable' });
    expect(deny.status).toBe(200);
  });

  it('lets a CA certificate be approved where caIssuers names its issuer', async () => {
    addCr('allowed-ca', {
      request: await csr('ca.shop.example.com'),
      isCA: true,
      usages: ['cert sign'],
      duration: '8760h',
    });
    const { app } = await setup(['ClusterIssuer/corp-ca']);
    const id = InClusterApprovals.idOf('sim', 'shop', 'allowed-ca');
    const res = await request(app)
      .post(`/requests/${encodeURIComponent(id)}/decision`)
      .set('Authorization', as('sec1'))
      .send({ decision: 'approve', reason: 'the shop intermediate' });
    expect(res.status).toBe(200);
    expect(conditions('allowed-ca')).toEqual([
      expect.objectContaining({ type: 'Approved', status: 'True' }),
    ]);
  });
});
