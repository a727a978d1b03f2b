import { TestDatabases } from '@backstage/backend-test-utils';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { certificateId, TrustStore } from '../inventory/parsing';
import {
  makeCa,
  makeCaChain,
  makeLeaf,
  secretData,
  TestIssuer,
  TestLeaf,
} from '../inventory/parsing/testPki';
import { DatabaseInventoryStore } from '../inventory/store';
import { DiscoveryService } from './DiscoveryService';
import { eventually, migratedDatabase } from '../__testUtils__/fixtures';
import { ALL_BUT_SECRETS } from '../__testUtils__/simulator';
import {
  kubernetesIdEntity,
  simulatedRegistry,
  testDiscovery,
} from '../__testUtils__/discovery';

jest.setTimeout(30_000);

const tlsSecret = (
  namespace: string,
  name: string,
  crt: string,
  key: string,
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name, labels },
  type: 'kubernetes.io/tls',
  data: secretData(crt, key),
});

describe('DiscoveryService against the Kubernetes API simulator', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let root: TestIssuer;
  let issuing: TestIssuer;
  let rogueRoot: TestIssuer;
  let valid: TestLeaf;
  const sims: KubernetesApiSimulator[] = [];
  const services: DiscoveryService[] = [];

  beforeAll(async () => {
    ({ root, issuing } = await makeCaChain('Approved'));
    rogueRoot = await makeCa('Rogue Root');
    valid = await makeLeaf({
      issuer: issuing,
      dnsNames: ['valid.example.com'],
      notAfterDays: 80,
    });
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map(s => s.stop()));
    await Promise.all(sims.splice(0).map(s => s.stop()));
  });

  async function setup(options: {
    clusters: Array<{
      name: string;
      sim: KubernetesApiSimulator;
      token?: string;
    }>;
  }) {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const store = DatabaseInventoryStore.create({ knex });
    const service = testDiscovery({
      clusters: simulatedRegistry(
        Object.fromEntries(
          options.clusters.map(c => [c.name, c.sim.kubeConfig(c.token)]),
        ),
      ),
      store,
      trust: TrustStore.fromPems([root.pem]),
      namespaceMappings: [
        { namespace: 'team-b-*', owner: 'group:default/team-b' },
      ],
      namespaces: { exclude: ['kube-system'] },
      loadEntities: async () => [
        kubernetesIdEntity('shop', 'group:default/team-shop'),
        kubernetesIdEntity('api', 'group:default/team-api'),
        kubernetesIdEntity('web', 'group:default/team-web'),
        {
          entityRef: 'component:default/search',
          ownerRef: 'group:default/team-search',
          annotations: {
            'backstage.io/kubernetes-label-selector': 'app=search',
          },
        },
      ],
    });
    services.push(service);
    return { store, service };
  }

  async function startSim(options?: ConstructorParameters<typeof Object>[0]) {
    const sim = await KubernetesApiSimulator.start({
      historyTtlMs: 60_000,
      ...(options ?? {}),
    });
    sims.push(sim);
    return sim;
  }

  it('classifies a mix of certificates across clusters and resolves owners by each rule', async () => {
    const a = await startSim();
    const b = await startSim({ installedGroups: [] });
    const chain = (leaf: TestLeaf, ...cas: TestIssuer[]) =>
      leaf.certPem + cas.map(c => c.pem).join('');
    const expiring = await makeLeaf({ issuer: issuing, notAfterDays: 20 });
    const critical = await makeLeaf({ issuer: issuing, notAfterDays: 3 });
    const expired = await makeLeaf({
      issuer: issuing,
      notBeforeDays: -90,
      notAfterDays: -2,
    });
    const selfSigned = await makeLeaf({ alg: 'ec' });
    const weak = await makeLeaf({ issuer: issuing, alg: 'rsa1024' });
    const sha1 = await makeLeaf({ issuer: issuing, hash: 'SHA-1' });
    const untrusted = await makeLeaf({ issuer: rogueRoot });
    const other = await makeLeaf({ issuer: issuing });

    a.apply(
      tlsSecret('shop', 'valid', chain(valid, issuing), valid.keyPem, {
        'backstage.io/kubernetes-id': 'shop',
      }),
    );
    a.apply(
      tlsSecret('shop', 'expiring', chain(expiring, issuing), expiring.keyPem),
    );
    a.apply(
      tlsSecret('shop', 'critical', chain(critical, issuing), critical.keyPem),
    );
    a.apply(
      tlsSecret('shop', 'expired', chain(expired, issuing), expired.keyPem),
    );
    a.apply(
      tlsSecret(
        'search',
        'self-signed',
        selfSigned.certPem,
        selfSigned.keyPem,
        { app: 'search' },
      ),
    );
    a.apply(tlsSecret('team-b-dev', 'weak', chain(weak, issuing), weak.keyPem));
    a.apply(tlsSecret('misc', 'sha1', chain(sha1, issuing), sha1.keyPem));
    a.apply(
      tlsSecret(
        'misc',
        'untrusted',
        chain(untrusted, rogueRoot),
        untrusted.keyPem,
      ),
    );
    a.apply(tlsSecret('misc', 'mismatch', chain(valid, issuing), other.keyPem));
    a.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'misc', name: 'garbage' },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from('not a certificate').toString('base64'),
        'tls.key': '',
      },
    });
    a.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'misc', name: 'opaque' },
      type: 'Opaque',
      data: { x: 'eQ==' },
    });
    a.apply(
      tlsSecret('kube-system', 'excluded', chain(valid, issuing), valid.keyPem),
    );
    // owner through the cert-manager Certificate that writes the Secret
    a.apply(tlsSecret('api', 'api-tls', chain(valid, issuing), valid.keyPem));
    a.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        namespace: 'api',
        name: 'api',
        labels: { 'backstage.io/kubernetes-id': 'api' },
      },
      spec: {
        secretName: 'api-tls',
        dnsNames: ['api.example.com'],
        issuerRef: { name: 'corp', kind: 'ClusterIssuer' },
      },
    });
    // owner through an Ingress that references the Secret
    a.apply(tlsSecret('web', 'web-tls', chain(valid, issuing), valid.keyPem));
    a.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        namespace: 'web',
        name: 'web',
        labels: { 'backstage.io/kubernetes-id': 'web' },
      },
      spec: { tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] },
    });
    b.apply(tlsSecret('shop', 'valid', chain(valid, issuing), valid.keyPem));

    const { store, service } = await setup({
      clusters: [
        { name: 'a', sim: a },
        { name: 'b', sim: b },
      ],
    });
    await service.start();
    await eventually(async () => {
      expect((await store.listClusters()).map(c => [c.name, c.state])).toEqual([
        ['a', 'ok'],
        ['b', 'ok'],
      ]);
    });
    await service.idle();

    const { items } = await store.listCertificates({
      filter: {},
      limit: 100,
      sort: 'namespace',
    });
    const byName = Object.fromEntries(
      items.filter(i => i.cluster === 'a').map(i => [i.secretName, i]),
    );
    const verdict = (n: string) => [
      byName[n].status,
      byName[n].findings.filter(f => f !== 'unowned'),
    ];
    expect(Object.keys(byName).sort()).toEqual([
      'api-tls',
      'critical',
      'expired',
      'expiring',
      'garbage',
      'mismatch',
      'self-signed',
      'sha1',
      'untrusted',
      'valid',
      'weak',
      'web-tls',
    ]);
    expect(verdict('valid')).toEqual(['valid', []]);
    expect(verdict('expiring')).toEqual(['expiring', []]);
    expect(verdict('critical')).toEqual(['critical', []]);
    expect(verdict('expired')).toEqual(['expired', []]);
    expect(verdict('self-signed')).toEqual([
      'valid',
      ['self-signed', 'untrusted-chain'],
    ]);
    expect(verdict('weak')).toEqual(['valid', ['weak-key']]);
    // A SHA-1 signature anywhere below the root also breaks the path.
    expect(verdict('sha1')).toEqual([
      'valid',
      ['weak-signature', 'untrusted-chain'],
    ]);
    expect(verdict('untrusted')).toEqual(['valid', ['untrusted-chain']]);
    expect(verdict('mismatch')).toEqual(['valid', ['key-mismatch']]);
    expect(verdict('garbage')).toEqual(['unparseable', []]);
    expect((await store.getCertificate(byName.garbage.id))!.parseError).toBe(
      'tls.crt holds no PEM certificate',
    );

    const owners = Object.fromEntries(
      ['valid', 'api-tls', 'web-tls', 'self-signed', 'weak'].map(n => [
        n,
        [byName[n].entityRef, byName[n].ownerRef],
      ]),
    );
    expect(owners).toEqual({
      valid: ['component:default/shop', 'group:default/team-shop'],
      'api-tls': ['component:default/api', 'group:default/team-api'],
      'web-tls': ['component:default/web', 'group:default/team-web'],
      'self-signed': ['component:default/search', 'group:default/team-search'],
      weak: [undefined, 'group:default/team-b'],
    });
    expect(byName.expiring.findings).toContain('unowned');

    const api = await store.getCertificate(byName['api-tls'].id);
    expect(api!.ownership.rule).toBe('certificate-label');
    expect(api!.certManager?.issuerRef).toEqual({
      name: 'corp',
      kind: 'ClusterIssuer',
    });
    const web = await store.getCertificate(byName['web-tls'].id);
    expect(web!.ownership.rule).toBe('ingress-label');
    expect(web!.usedBy).toEqual([
      {
        kind: 'Ingress',
        namespace: 'web',
        name: 'web',
        hosts: ['web.example.com'],
      },
    ]);
    expect(
      JSON.stringify(await store.getCertificate(byName.valid.id)),
    ).not.toContain('PRIVATE KEY');

    // cluster b has no cert-manager or Gateway CRDs: not an error
    expect(items.filter(i => i.cluster === 'b').map(i => i.secretName)).toEqual(
      ['valid'],
    );

    // catalog changes re-judge owners
    await service.setEntities([]);
    expect((await store.getCertificate(byName.valid.id))!.findings).toContain(
      'unowned',
    );
  });

  it('applies watch events and survives compaction and restarts without missing or inventing rows', async () => {
    const sim = await startSim();
    for (let i = 0; i < 5; i++)
      sim.apply(
        tlsSecret('ns', `s-${i}`, valid.certPem + issuing.pem, valid.keyPem),
      );
    const { store, service } = await setup({ clusters: [{ name: 'c', sim }] });
    await service.start();
    const names = async () =>
      (
        await store.listCertificates({
          filter: {},
          limit: 100,
          sort: 'namespace',
        })
      ).items
        .map(i => i.secretName)
        .sort();
    await eventually(async () =>
      expect(await names()).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4']),
    );

    // watch: add, change, delete
    const next = await makeLeaf({
      issuer: issuing,
      dnsNames: ['next.example.com'],
    });
    sim.apply(tlsSecret('ns', 's-5', next.certPem + issuing.pem, next.keyPem));
    sim.apply(tlsSecret('ns', 's-0', next.certPem + issuing.pem, next.keyPem));
    sim.remove('v1', 'Secret', 'ns', 's-1');
    await eventually(async () =>
      expect(await names()).toEqual(['s-0', 's-2', 's-3', 's-4', 's-5']),
    );
    await eventually(async () => {
      const s0 = await store.getCertificate(certificateId('c', 'ns', 's-0'));
      expect(s0!.dnsNames).toEqual(['next.example.com']);
      expect(s0!.history.map(h => h.event)).toEqual(['first-seen', 'changed']);
    });
    const s1 = await store.getCertificate(certificateId('c', 'ns', 's-1'));
    expect(s1!.goneAt).toBeDefined();

    // the server restarts while things change, and forgets the history (410 on re-watch)
    await sim.setDown('refuse');
    sim.apply(
      tlsSecret('ns', 's-6', valid.certPem + issuing.pem, valid.keyPem),
    );
    sim.remove('v1', 'Secret', 'ns', 's-2');
    sim.apply(
      tlsSecret('ns', 's-1', valid.certPem + issuing.pem, valid.keyPem),
    );
    sim.compact();
    await sim.setDown(false);
    await eventually(async () =>
      expect(await names()).toEqual(['s-0', 's-1', 's-3', 's-4', 's-5', 's-6']),
    );
    await eventually(async () =>
      expect((await store.listClusters())[0].state).toBe('ok'),
    );
    const returned = await store.getCertificate(
      certificateId('c', 'ns', 's-1'),
    );
    expect(returned!.history.map(h => h.event)).toEqual([
      'first-seen',
      'gone',
      'returned',
    ]);

    await sim.restart();
    sim.apply(
      tlsSecret('ns', 's-7', valid.certPem + issuing.pem, valid.keyPem),
    );
    await eventually(async () => expect(await names()).toContain('s-7'));
    expect(await names()).toEqual([
      's-0',
      's-1',
      's-3',
      's-4',
      's-5',
      's-6',
      's-7',
    ]);
  });

  it('keeps the rows of a cluster it may not read, and marks it degraded', async () => {
    const sim = await startSim();
    sim.apply(
      tlsSecret('ns', 'kept', valid.certPem + issuing.pem, valid.keyPem),
    );
    const ok = await setup({ clusters: [{ name: 'locked', sim }] });
    await ok.service.start();
    await eventually(async () =>
      expect(
        (
          await ok.store.listCertificates({ filter: {}, limit: 10 })
        ).totalCount,
      ).toBe(1),
    );
    await ok.service.stop();

    sim.addToken('no-secrets', ALL_BUT_SECRETS);
    const service = testDiscovery({
      clusters: simulatedRegistry({ locked: sim.kubeConfig('no-secrets') }),
      store: ok.store,
      trust: TrustStore.fromPems([root.pem]),
    });
    services.push(service);
    await service.start();
    await eventually(async () => {
      const [status] = await ok.store.listClusters();
      expect(status.state).toBe('degraded');
      expect(status.degradedReason).toMatch(/^Secret: forbidden \(403\)/);
    });
    await new Promise(r => setTimeout(r, 300));
    const rows = await ok.store.listCertificates({ filter: {}, limit: 10 });
    expect(rows.items.map(i => [i.secretName, i.goneAt])).toEqual([
      ['kept', undefined],
    ]);

    // unreachable: degraded with the reason, rows kept
    await sim.setDown('refuse');
    await service.resync();
    await eventually(async () =>
      expect((await ok.store.listClusters())[0].degradedReason).toMatch(
        /ECONNREFUSED/,
      ),
    );
    expect(
      (await ok.store.listCertificates({ filter: {}, limit: 10 })).totalCount,
    ).toBe(1);
  });
});
