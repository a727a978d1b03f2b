import { TestDatabases } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { TrustStore } from '../inventory/parsing';
import { makeCa, makeLeaf, secretData } from '../inventory/parsing/testPki';
import { DatabaseInventoryStore } from '../inventory/store';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { eventually, migratedDatabase } from '../__testUtils__/fixtures';
import { simulatedRegistry, testDiscovery } from '../__testUtils__/discovery';

jest.setTimeout(30_000);

/**
 * A pass-through to the simulator that answers 503 to every request for
 * the collections whose paths are in `failing`, as an overloaded API
 * server (or an aggregated API behind it) does for one resource.
 */
async function flakyProxy(upstream: string) {
  const failing = new Set<string>();
  const server = http.createServer((req, res) => {
    if ([...failing].some(path => req.url?.startsWith(path))) {
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server is currently unable to handle the request',
        reason: 'ServiceUnavailable',
        code: 503,
      });
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(body);
      return;
    }
    const forward = http.request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    // A watch the client closes ends upstream too.
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    failing,
    kubeConfig(token: string) {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'flaky', server: url, skipTLSVerify: true }],
        users: [{ name: 'flaky-user', token }],
        contexts: [{ name: 'flaky', cluster: 'flaky', user: 'flaky-user' }],
        currentContext: 'flaky',
      });
      return kc;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

describe('ClusterDiscovery status when a relation kind fails and recovers', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const stops: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  const INGRESSES = '/apis/networking.k8s.io/v1/ingresses';
  const CERTIFICATES = '/apis/cert-manager.io/v1/certificates';

  /** One cluster with a TLS Secret, an Ingress and a Certificate using it, discovered through a flaky proxy. */
  async function setup() {
    const root = await makeCa('Status Root');
    const leaf = await makeLeaf({
      issuer: root,
      dnsNames: ['shop.example.com'],
    });
    const sim = await KubernetesApiSimulator.start({ historyTtlMs: 60_000 });
    stops.push(() => sim.stop());
    sim.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'shop', name: 'shop-tls' },
      type: 'kubernetes.io/tls',
      data: secretData(leaf.certPem, leaf.keyPem),
    });
    sim.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { namespace: 'shop', name: 'shop' },
      spec: { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] },
    });
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace: 'shop', name: 'shop' },
      spec: {
        secretName: 'shop-tls',
        dnsNames: ['shop.example.com'],
        issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' },
      },
    });
    const proxy = await flakyProxy(sim.url);
    stops.push(() => proxy.stop());

    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const store = DatabaseInventoryStore.create({ knex });
    const service = testDiscovery({
      clusters: simulatedRegistry({ flaky: proxy.kubeConfig(sim.adminToken) }),
      store,
      trust: TrustStore.fromPems([root.pem]),
    });
    stops.push(async () => service.stop());
    const status = async () => {
      const [cluster] = await store.listClusters();
      return { state: cluster?.state, reason: cluster?.degradedReason };
    };
    const secretLists = () =>
      sim
        .requests()
        .filter(r => r.path === '/api/v1/secrets' && r.query.watch !== 'true')
        .length;
    await service.start();
    await eventually(async () =>
      expect(await status()).toEqual({ state: 'ok', reason: undefined }),
    );
    return { sim, proxy, status, secretLists };
  }

  it.each([
    ['Ingress', INGRESSES],
    ['Certificate', CERTIFICATES],
  ])(
    '%s answering 503, then recovering, leaves the cluster ok again without waiting for a Secret relist',
    async (kind, path) => {
      const { sim, proxy, status, secretLists } = await setup();
      const listedBefore = secretLists();

      // Every watch ends; only the one kind's re-watch and relists fail.
      proxy.failing.add(path);
      sim.dropWatches('end');
      await eventually(async () => {
        const now = await status();
        expect(now.state).toBe('degraded');
        expect(now.reason).toMatch(new RegExp(`^${kind}: HTTP 503`));
      });

      proxy.failing.clear();
      await eventually(async () =>
        expect(await status()).toEqual({ state: 'ok', reason: undefined }),
      );
      // It was the kind's own relist that healed the status: the Secrets
      // were only watched again, never listed.
      expect(secretLists()).toBe(listedBefore);
    },
  );

  it('stays degraded, for the kind still failing, until the last one recovers', async () => {
    const { sim, proxy, status } = await setup();
    proxy.failing.add(INGRESSES).add(CERTIFICATES);
    sim.dropWatches('end');
    await eventually(async () =>
      expect((await status()).state).toBe('degraded'),
    );
    // Both have failed by now, each retried with its own backoff.
    await new Promise(r => setTimeout(r, 300));

    // The Ingress list succeeds again; the Certificate one does not.
    proxy.failing.delete(INGRESSES);
    await new Promise(r => setTimeout(r, 500));
    expect(await status()).toEqual({
      state: 'degraded',
      reason: expect.stringMatching(/^Certificate: HTTP 503/),
    });

    proxy.failing.clear();
    await eventually(async () =>
      expect(await status()).toEqual({ state: 'ok', reason: undefined }),
    );
  });
});
