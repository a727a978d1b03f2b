import { deliverySetup } from './__testUtils__/deliverySetup';
import { simulatorWithNamespaces } from '../__testUtils__/simulator';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
} from 'node:crypto';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { NewRequest } from '../requests/RequestStore';
import { migratedDatabase, newRequest } from '../__testUtils__';
import { generateKeyAndCsr } from './keyAndCsr';
import {
  LINEAGE_LABEL,
  pendingKeySecretName,
  REQUEST_ID_LABEL,
} from './KubernetesDelivery';

describe('KubernetesDelivery against the API simulator', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let simulator: KubernetesApiSimulator;

  beforeAll(async () => {
    simulator = await simulatorWithNamespaces();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  /** Object `name` of `kind` in namespace payments, as the cluster holds it now. */
  const inPayments = (kind: 'Secret' | 'Certificate', name: string) =>
    simulator.get<any>(
      kind === 'Secret' ? 'v1' : 'cert-manager.io/v1',
      kind,
      'payments',
      name,
    );

  async function setup() {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const { ca, store, issuance } = await deliverySetup(knex, simulator);
    const create = (
      overrides: Partial<NewRequest> & { delivery: NewRequest['delivery'] },
    ) => store.create(newRequest({ state: 'issuing', ...overrides }));
    return { knex, ca, store, issuance, create };
  }

  it('writes a labelled kubernetes.io/tls Secret whose key matches, and keeps no key', async () => {
    const { issuance, create, knex } = await setup();
    const request = await create({
      delivery: {
        kind: 'secret',
        cluster: 'sim',
        namespace: 'payments',
        secretName: 'payments-tls',
      },
    });
    const issued = await issuance.issue(request, { policyJustChecked: true });
    expect(issued.failureReason).toBeUndefined();
    expect(issued.state).toBe('issued');
    const secret = inPayments('Secret', 'payments-tls')!;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'payments',
      [REQUEST_ID_LABEL]: request.id,
      [LINEAGE_LABEL]: request.id,
    });
    // Only the project's current names are written.
    expect(
      Object.keys({
        ...secret.metadata.labels,
        ...secret.metadata.annotations,
      }).filter(k => k.startsWith('certificates.backstage.io/')),
    ).toEqual([]);
    const crt = Buffer.from(secret.data['tls.crt'], 'base64').toString();
    const key = Buffer.from(secret.data['tls.key'], 'base64').toString();
    const leaf = new X509Certificate(crt);
    expect(leaf.serialNumber).toBe(issued.serialNumber);
    expect(
      createPublicKey(createPrivateKey(key)).export({
        type: 'spki',
        format: 'der',
      }),
    ).toEqual(leaf.publicKey.export({ type: 'spki', format: 'der' }));
    const dump =
      JSON.stringify(await knex('certificates_requests')) +
      JSON.stringify(await knex('certificates_ca_issued'));
    expect(dump).not.toContain('PRIVATE KEY');

    // A renewal in the same lineage may replace it.
    const renewal = await create({
      renewalOf: request.id,
      delivery: {
        kind: 'secret',
        cluster: 'sim',
        namespace: 'payments',
        secretName: 'payments-tls',
      },
    });
    expect(
      (await issuance.issue(renewal, { policyJustChecked: true })).state,
    ).toBe('issued');
    expect(
      inPayments('Secret', 'payments-tls')!.metadata.labels[REQUEST_ID_LABEL],
    ).toBe(renewal.id);
  });

  it('never overwrites a foreign Secret', async () => {
    const { issuance, create, knex, store } = await setup();
    simulator.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'foreign-tls', namespace: 'payments' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' },
    });
    const request = await create({
      delivery: {
        kind: 'secret',
        cluster: 'sim',
        namespace: 'payments',
        secretName: 'foreign-tls',
      },
    });
    await expect(
      issuance.issue(request, { policyJustChecked: true }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /already exists and was not created by the portal/,
      ),
    });
    const failed = (await store.get(request.id))!;
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toMatch(
      /already exists and was not created by the portal/,
    );
    expect(inPayments('Secret', 'foreign-tls')!.data['tls.crt']).toBe('AA==');
    // Refused before anything was written, not even the pending key.
    expect(inPayments('Secret', pendingKeySecretName(request))).toBeUndefined();
    expect(await knex('certificates_ca_issued')).toHaveLength(0);
  });

  it('creates a cert-manager Certificate and follows its Ready condition', async () => {
    const { issuance, create, store, ca } = await setup();
    const request = await create({
      issuer: 'cm',
      delivery: {
        kind: 'cert-manager',
        cluster: 'sim',
        namespace: 'payments',
        secretName: 'cm-tls',
      },
    });
    const pending = await issuance.issue(request, { policyJustChecked: true });
    expect(pending.state).toBe('issuing');
    const certificate = inPayments('Certificate', 'cm-tls')!;
    expect(certificate.spec).toMatchObject({
      secretName: 'cm-tls',
      dnsNames: ['payments.example.com'],
      issuerRef: {
        name: 'corp-ca',
        kind: 'ClusterIssuer',
        group: 'cert-manager.io',
      },
      secretTemplate: {
        labels: {
          'backstage.io/kubernetes-id': 'payments',
          [REQUEST_ID_LABEL]: request.id,
        },
      },
    });
    expect(certificate.metadata.labels[REQUEST_ID_LABEL]).toBe(request.id);
    expect(await issuance.resume()).toBe(1);
    expect((await store.get(request.id))!.state).toBe('issuing');

    // cert-manager signs: the Secret appears and Ready turns True.
    const inCluster = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      dnsNames: ['payments.example.com'],
    });
    const { chainPem } = await ca.issue({
      requestId: 'in-cluster',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com'],
      ipAddresses: [],
      uris: [],
      validityDays: 30,
      clientAuth: false,
      csrPem: inCluster.csrPem,
    });
    simulator.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cm-tls', namespace: 'payments' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(chainPem).toString('base64'),
        'tls.key': Buffer.from(inCluster.privateKeyPem).toString('base64'),
      },
    });
    simulator.apply({
      ...certificate,
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
      },
    });
    await issuance.resume();
    const done = (await store.get(request.id))!;
    expect(done.state).toBe('issued');
    expect(done.serialNumber).toBe(new X509Certificate(chainPem).serialNumber);

    // A failure is reported with cert-manager's message.
    const second = await create({
      issuer: 'cm',
      delivery: {
        kind: 'cert-manager',
        cluster: 'sim',
        namespace: 'payments',
        secretName: 'cm2-tls',
      },
    });
    await issuance.issue(second, { policyJustChecked: true });
    const cm2 = inPayments('Certificate', 'cm2-tls')!;
    simulator.apply({
      ...cm2,
      status: {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'DoesNotExist' },
          {
            type: 'Issuing',
            status: 'False',
            reason: 'Failed',
            message: 'issuer corp-ca is not ready',
          },
        ],
      },
    });
    await issuance.resume();
    const failed = (await store.get(second.id))!;
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toBe(
      'cert-manager: issuer corp-ca is not ready',
    );
  });
});
