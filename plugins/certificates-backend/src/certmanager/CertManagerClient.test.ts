import { simulatorWithNamespaces } from '../__testUtils__/simulator';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { CertManagerClient, statusCode } from './CertManagerClient';
import { CertManagerCertificate } from './types';

const certificate = (name: string): CertManagerCertificate => ({
  apiVersion: CertManagerClient.apiVersion,
  kind: 'Certificate',
  metadata: { name, namespace: 'payments', labels: { team: 'pay' } },
  spec: {
    secretName: `${name}-tls`,
    dnsNames: ['pay.example.com'],
    issuerRef: CertManagerClient.issuerRef({
      name: 'corp-ca',
      kind: 'ClusterIssuer',
    }),
  },
});

async function rejection(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return statusCode(error);
  }
  throw new Error('expected the call to fail');
}

describe('CertManagerClient against the Kubernetes API simulator', () => {
  let sim: KubernetesApiSimulator;
  let client: CertManagerClient;

  beforeAll(async () => {
    sim = await simulatorWithNamespaces();
    sim.addToken('read-only', [
      { verbs: ['get', 'list', 'watch'], resources: ['*'] },
    ]);
    client = CertManagerClient.forCluster(sim.kubeConfig());
  });
  afterAll(() => sim.stop());

  it('creates, reads, lists in pages and updates Certificates', async () => {
    await client.createCertificate('payments', certificate('web'));
    await client.createCertificate('payments', certificate('api'));
    const read = (await client.getCertificate('payments', 'web'))!;
    expect(read.spec.issuerRef).toEqual({
      name: 'corp-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });

    const first = await client.listCertificates('payments', { limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.continue).toBeDefined();
    const second = await client.listCertificates('payments', {
      limit: 1,
      continue: first.continue,
    });
    expect(
      [...first.items, ...second.items].map(c => c.metadata.name).sort(),
    ).toEqual(['api', 'web']);
    expect(second.continue).toBeUndefined();

    const updated = await client.updateCertificate('payments', 'web', {
      labels: { team: 'checkout' },
      spec: { ...read.spec, dnsNames: ['web.example.com'] },
      resourceVersion: read.metadata.resourceVersion,
    });
    expect(updated.metadata.labels).toEqual({ team: 'checkout' });
    expect(updated.spec.dnsNames).toEqual(['web.example.com']);
  });

  it('answers undefined for what does not exist, and an empty list where cert-manager is not installed', async () => {
    expect(await client.getCertificate('payments', 'missing')).toBeUndefined();
    expect(
      await client.getCertificateRequest('payments', 'missing'),
    ).toBeUndefined();
    expect(
      await client.getIssuer({ name: 'missing', kind: 'Issuer' }, 'payments'),
    ).toBeUndefined();
    const bare = await KubernetesApiSimulator.start({ installedGroups: [] });
    try {
      const none = CertManagerClient.forCluster(bare.kubeConfig());
      expect(await none.listCertificates('payments', { limit: 10 })).toEqual({
        items: [],
      });
    } finally {
      await bare.stop();
    }
  });

  it('refuses a create over an existing Certificate (409) and an update of a changed one (409)', async () => {
    await client.createCertificate('payments', certificate('dup'));
    expect(
      await rejection(client.createCertificate('payments', certificate('dup'))),
    ).toBe(409);
    const read = (await client.getCertificate('payments', 'dup'))!;
    await client.updateCertificate('payments', 'dup', {
      labels: { a: 'b' },
      spec: read.spec,
    });
    expect(
      await rejection(
        client.updateCertificate('payments', 'dup', {
          labels: { team: 'evil' },
          spec: read.spec,
          resourceVersion: read.metadata.resourceVersion,
        }),
      ),
    ).toBe(409);
    expect(
      (await client.getCertificate('payments', 'dup'))!.metadata.labels,
    ).toEqual({ team: 'pay', a: 'b' });
  });

  it('sets a Certificate condition once, replacing one of its type, and not on a changed object (422)', async () => {
    sim.apply({
      ...certificate('renew'),
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Issuing', status: 'False' },
        ],
      },
    } as any);
    const read = (await client.getCertificate('payments', 'renew'))!;
    await client.setCertificateCondition(read, {
      type: 'Issuing',
      status: 'True',
      reason: 'ManuallyTriggered',
    });
    const after = (await client.getCertificate('payments', 'renew'))!;
    expect(after.status?.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'Issuing', status: 'True', reason: 'ManuallyTriggered' },
    ]);
    // `read` is stale now: nothing is written.
    expect(
      await rejection(
        client.setCertificateCondition(read, {
          type: 'Issuing',
          status: 'False',
        }),
      ),
    ).toBe(422);
    expect(
      (await client.getCertificate('payments', 'renew'))!.metadata
        .resourceVersion,
    ).toBe(after.metadata.resourceVersion);
  });

  it('lists CertificateRequests cluster-wide and appends a decision condition', async () => {
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { name: 'web-1', namespace: 'payments' },
      spec: {
        request: 'AA==',
        issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' },
      },
    });
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'CertificateRequest',
      metadata: { name: 'other-1', namespace: 'other' },
      spec: { request: 'AA==' },
    });
    const all = await client.listCertificateRequests();
    expect(
      all.map(r => `${r.metadata.namespace}/${r.metadata.name}`).sort(),
    ).toEqual(['other/other-1', 'payments/web-1']);
    const current = (await client.getCertificateRequest('payments', 'web-1'))!;
    await client.addRequestCondition(current, {
      type: 'Approved',
      status: 'True',
      reason: 'backstage:user:default/a',
    });
    const decided = (await client.getCertificateRequest('payments', 'web-1'))!;
    expect(decided.status?.conditions).toEqual([
      { type: 'Approved', status: 'True', reason: 'backstage:user:default/a' },
    ]);
    expect(
      await rejection(
        client.addRequestCondition(current, { type: 'Denied', status: 'True' }),
      ),
    ).toBe(422);
    expect(
      (await client.getCertificateRequest('payments', 'web-1'))!.status
        ?.conditions,
    ).toHaveLength(1);
  });

  it('finds Issuers in the namespace and ClusterIssuers cluster-wide', async () => {
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'team-ca', namespace: 'payments' },
      spec: {},
    });
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'corp-ca' },
      spec: {},
    });
    expect(
      (await client.getIssuer({ name: 'team-ca' }, 'payments'))?.metadata.name,
    ).toBe('team-ca');
    expect(
      await client.getIssuer({ name: 'team-ca' }, 'other'),
    ).toBeUndefined();
    expect(
      (
        await client.getIssuer(
          { name: 'corp-ca', kind: 'ClusterIssuer' },
          'other',
        )
      )?.metadata.name,
    ).toBe('corp-ca');
    expect(
      await client.getIssuer({ name: 'corp-ca', kind: 'Issuer' }, 'payments'),
    ).toBeUndefined();
  });

  it('passes a refusal (403) on to the caller, and writes nothing', async () => {
    const readOnly = CertManagerClient.forCluster(sim.kubeConfig('read-only'));
    expect(
      await rejection(
        readOnly.createCertificate('payments', certificate('forbidden')),
      ),
    ).toBe(403);
    expect(
      await client.getCertificate('payments', 'forbidden'),
    ).toBeUndefined();
    const current = (await client.getCertificate('payments', 'web'))!;
    expect(
      await rejection(
        readOnly.setCertificateCondition(current, {
          type: 'Issuing',
          status: 'True',
        }),
      ),
    ).toBe(403);
    expect(
      (await client.getCertificate('payments', 'web'))!.metadata
        .resourceVersion,
    ).toBe(current.metadata.resourceVersion);
    const request = (await client.getCertificateRequest('other', 'other-1'))!;
    expect(
      await rejection(
        readOnly.addRequestCondition(request, {
          type: 'Approved',
          status: 'True',
        }),
      ),
    ).toBe(403);
    expect(
      (await client.getCertificateRequest('other', 'other-1'))!.status,
    ).toBeUndefined();
  });
});
