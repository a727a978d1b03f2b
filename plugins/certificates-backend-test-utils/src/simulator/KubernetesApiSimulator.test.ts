import {
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  V1Secret,
} from '@kubernetes/client-node';
import { KubernetesApiSimulator } from './KubernetesApiSimulator';
import { failure, paymentsPage } from './__testUtils__/calls';

type SecretExtra = Pick<V1Secret, 'type' | 'data'> & {
  metadata?: { name: string; labels?: Record<string, string> };
};

const secret = (namespace: string, name: string, extra: SecretExtra = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name, ...(extra.metadata ?? {}) },
  type: extra.type ?? 'Opaque',
  data: extra.data ?? { k: Buffer.from(name).toString('base64') },
});

describe('KubernetesApiSimulator (reads, access, lifecycle)', () => {
  let sim: KubernetesApiSimulator;
  let core: CoreV1Api;

  beforeEach(async () => {
    sim = await KubernetesApiSimulator.start({ historyTtlMs: 60_000 });
    core = sim.kubeConfig().makeApiClient(CoreV1Api);
  });
  afterEach(() => sim.stop());

  it('pages with limit/continue on a consistent snapshot', async () => {
    for (let i = 0; i < 7; i++) sim.apply(secret('payments', `s-${i}`));
    const first = await core.listNamespacedSecret({
      namespace: 'payments',
      limit: 3,
    });
    expect(first.items.map(s => s.metadata?.name)).toEqual([
      's-0',
      's-1',
      's-2',
    ]);
    expect(first.items[0].kind).toBeUndefined();
    expect(first.items[0].apiVersion).toBeUndefined();
    expect(first.metadata?.remainingItemCount).toBe(4);
    const rv = first.metadata?.resourceVersion;

    // Changes between pages are not visible to the paged list.
    sim.remove('v1', 'Secret', 'payments', 's-4');
    sim.apply(secret('payments', 's-3', { data: { k: 'Y2hhbmdlZA==' } }));
    sim.apply(secret('payments', 's-9'));

    const second = await core.listNamespacedSecret({
      namespace: 'payments',
      limit: 3,
      _continue: first.metadata?._continue,
    });
    expect(second.metadata?.resourceVersion).toBe(rv);
    expect(second.items.map(s => s.metadata?.name)).toEqual([
      's-3',
      's-4',
      's-5',
    ]);
    expect(second.items[0].data?.k).toBe(Buffer.from('s-3').toString('base64'));
    const third = await core.listNamespacedSecret({
      namespace: 'payments',
      limit: 3,
      _continue: second.metadata?._continue,
    });
    expect(third.items.map(s => s.metadata?.name)).toEqual(['s-6']);
    expect(third.metadata?._continue).toBeUndefined();
    expect(third.metadata?.resourceVersion).toBe(rv);

    const fresh = await core.listNamespacedSecret({ namespace: 'payments' });
    expect(fresh.items.map(s => s.metadata?.name)).toEqual([
      's-0',
      's-1',
      's-2',
      's-3',
      's-5',
      's-6',
      's-9',
    ]);
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(rv));
  });

  it('lists across namespaces sorted by namespace and name', async () => {
    sim.apply(secret('b', 'x'));
    sim.apply(secret('a', 'y'));
    const all = await core.listSecretForAllNamespaces({});
    expect(
      all.items.map(s => `${s.metadata?.namespace}/${s.metadata?.name}`),
    ).toEqual(['a/y', 'b/x']);
  });

  it('answers 410 Expired for a continue token after compaction', async () => {
    for (let i = 0; i < 4; i++) sim.apply(secret('payments', `s-${i}`));
    const first = await paymentsPage(core);
    sim.compact();
    const { code, status } = await failure(
      paymentsPage(core, first.metadata?._continue),
    );
    expect(code).toBe(410);
    expect(status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
  });

  it('expires the continue token of the next paged list on request', async () => {
    for (let i = 0; i < 4; i++) sim.apply(secret('payments', `s-${i}`));
    sim.expireContinueTokens(1);
    // A first page carries no token: not affected.
    const first = await paymentsPage(core);
    expect(first.items).toHaveLength(2);
    const { code, status } = await failure(
      paymentsPage(core, first.metadata?._continue),
    );
    expect(code).toBe(410);
    expect(status).toMatchObject({ reason: 'Expired', code: 410 });
    // Only once: a new paged list goes through.
    const again = await paymentsPage(core);
    const rest = await paymentsPage(core, again.metadata?._continue);
    expect(rest.items.map(s => s.metadata?.name)).toEqual(['s-2', 's-3']);
  });

  it('expires continue tokens once history is older than the TTL', async () => {
    const short = await KubernetesApiSimulator.start({ historyTtlMs: 30 });
    try {
      const api = short.kubeConfig().makeApiClient(CoreV1Api);
      for (let i = 0; i < 4; i++) short.apply(secret('payments', `s-${i}`));
      const first = await paymentsPage(api);
      short.apply(secret('payments', 'later'));
      await new Promise(r => setTimeout(r, 50));
      const { code, status } = await failure(
        paymentsPage(api, first.metadata?._continue),
      );
      expect(code).toBe(410);
      expect(status.reason).toBe('Expired');
    } finally {
      await short.stop();
    }
  });

  it('filters with field and label selectors', async () => {
    sim.apply(
      secret('payments', 'tls-a', {
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
        metadata: { name: 'tls-a', labels: { app: 'pay', tier: 'web' } },
      }),
    );
    sim.apply(
      secret('payments', 'tls-b', {
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
        metadata: { name: 'tls-b', labels: { app: 'shop' } },
      }),
    );
    sim.apply(
      secret('orders', 'opaque', {
        metadata: { name: 'opaque', labels: { app: 'pay' } },
      }),
    );
    const names = async (req: {
      fieldSelector?: string;
      labelSelector?: string;
    }) =>
      (await core.listSecretForAllNamespaces(req)).items.map(
        s => s.metadata?.name,
      );

    expect(await names({ fieldSelector: 'type=kubernetes.io/tls' })).toEqual([
      'tls-a',
      'tls-b',
    ]);
    expect(await names({ fieldSelector: 'type!=kubernetes.io/tls' })).toEqual([
      'opaque',
    ]);
    expect(await names({ fieldSelector: 'metadata.namespace=orders' })).toEqual(
      ['opaque'],
    );
    expect(
      await names({
        fieldSelector: 'metadata.name=tls-b,type=kubernetes.io/tls',
      }),
    ).toEqual(['tls-b']);
    expect(await names({ labelSelector: 'app=pay' })).toEqual([
      'opaque',
      'tls-a',
    ]);
    expect(await names({ labelSelector: 'app!=pay' })).toEqual(['tls-b']);
    expect(await names({ labelSelector: 'app in (shop, pay),tier' })).toEqual([
      'tls-a',
    ]);
    expect(await names({ labelSelector: 'app notin (pay)' })).toEqual([
      'tls-b',
    ]);
    expect(await names({ labelSelector: '!tier' })).toEqual([
      'opaque',
      'tls-b',
    ]);
    const bad = await failure(
      core.listSecretForAllNamespaces({ fieldSelector: 'spec.nope=1' }),
    );
    expect(bad.code).toBe(400);
    expect(bad.status.message).toContain('field label not supported');
  });

  it('answers 401 without a known token and 403 without rights', async () => {
    const anonymous = await failure(
      sim.kubeConfig('nope').makeApiClient(CoreV1Api).listNamespace({}),
    );
    expect(anonymous.code).toBe(401);

    sim.addToken(
      'payments-reader',
      [
        {
          verbs: ['get', 'list', 'watch'],
          resources: ['secrets'],
          namespaces: ['payments'],
        },
      ],
      { user: 'reader' },
    );
    const reader = sim.kubeConfig('payments-reader').makeApiClient(CoreV1Api);
    sim.apply(secret('payments', 'a'));
    expect(
      (await reader.listNamespacedSecret({ namespace: 'payments' })).items,
    ).toHaveLength(1);

    const clusterWide = await failure(reader.listSecretForAllNamespaces({}));
    expect(clusterWide.code).toBe(403);
    expect(clusterWide.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'secrets is forbidden: User "reader" cannot list resource "secrets" in API group "" at the cluster scope',
    });
    const otherNs = await failure(
      reader.listNamespacedSecret({ namespace: 'orders' }),
    );
    expect(otherNs.status.message).toContain('in the namespace "orders"');
    const write = await failure(
      reader.createNamespacedSecret({
        namespace: 'payments',
        body: secret('payments', 'b'),
      }),
    );
    expect(write.code).toBe(403);
  });

  it('serves discovery with and without the optional CRD groups', async () => {
    const kc = sim.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const get = (path: string) =>
      fetch(`${sim.url}${path}`, {
        headers: { Authorization: `Bearer ${sim.adminToken}` },
      });

    const groups = await (await get('/apis')).json();
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'networking.k8s.io',
        'cert-manager.io',
        'gateway.networking.k8s.io',
      ]),
    );
    const certManager = await (await get('/apis/cert-manager.io/v1')).json();
    expect(certManager).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'cert-manager.io/v1',
    });
    expect(certManager.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining([
        'certificates',
        'certificaterequests',
        'certificaterequests/status',
        'issuers',
        'clusterissuers',
      ]),
    );
    expect(
      certManager.resources.find((r: any) => r.name === 'clusterissuers')
        .namespaced,
    ).toBe(false);
    const core1 = await (await get('/api/v1')).json();
    expect(core1.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['secrets', 'configmaps', 'namespaces']),
    );
    expect((await get('/api')).status).toBe(200);

    sim.setGroupInstalled('cert-manager.io', false);
    expect((await get('/apis/cert-manager.io/v1')).status).toBe(404);
    const after = await (await get('/apis')).json();
    expect(after.groups.map((g: any) => g.name)).not.toContain(
      'cert-manager.io',
    );
    const listing = await failure(
      custom.listClusterCustomObject({
        group: 'cert-manager.io',
        version: 'v1',
        plural: 'clusterissuers',
      }),
    );
    expect(listing.code).toBe(404);

    const without = await KubernetesApiSimulator.start({ installedGroups: [] });
    try {
      const res = await fetch(
        `${without.url}/apis/gateway.networking.k8s.io/v1`,
        { headers: { Authorization: `Bearer ${without.adminToken}` } },
      );
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        code: 404,
      });
    } finally {
      await without.stop();
    }
  });

  it('keeps state across a restart on the same port and can be taken down', async () => {
    sim.apply(secret('payments', 'a'));
    const url = sim.url;
    await sim.restart();
    expect(sim.url).toBe(url);
    expect(
      (await core.readNamespacedSecret({ namespace: 'payments', name: 'a' }))
        .metadata?.name,
    ).toBe('a');

    await sim.setDown('unavailable');
    expect((await failure(core.listNamespace({}))).code).toBe(503);
    await sim.setDown(true);
    await expect(core.listNamespace({})).rejects.toThrow(/ECONNREFUSED/);
    await sim.setDown(false);
    expect(
      (await core.listNamespace({})).items.map(n => n.metadata?.name),
    ).toEqual(['default', 'payments']);
  });

  it('reads ingresses and cluster-scoped custom objects, with CR list items keeping kind', async () => {
    sim.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { namespace: 'payments', name: 'web' },
      spec: { tls: [{ hosts: ['pay.example.com'], secretName: 'pay-tls' }] },
    });
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'demo-ca' },
      spec: { ca: { secretName: 'x' } },
    });
    const ingresses = await sim
      .kubeConfig()
      .makeApiClient(NetworkingV1Api)
      .listIngressForAllNamespaces({});
    expect(ingresses.items[0].spec?.tls?.[0].secretName).toBe('pay-tls');
    const issuers = await sim
      .kubeConfig()
      .makeApiClient(CustomObjectsApi)
      .listClusterCustomObject({
        group: 'cert-manager.io',
        version: 'v1',
        plural: 'clusterissuers',
      });
    expect(issuers.items[0]).toMatchObject({
      kind: 'ClusterIssuer',
      apiVersion: 'cert-manager.io/v1',
      metadata: { name: 'demo-ca', generation: 1 },
    });
    expect(issuers.items[0].metadata.uid).toBeTruthy();
    expect(issuers.items[0].metadata.creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });
});
