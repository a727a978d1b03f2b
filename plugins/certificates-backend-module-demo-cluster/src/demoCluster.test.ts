import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import {
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import * as x509 from '@peculiar/x509';
import {
  createLeafCertificate,
  KubernetesApiSimulator,
  testPki,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DEMO_NAMESPACES, seedDemoCluster } from './demoCluster';

const DAY = 24 * 60 * 60 * 1000;

describe('seedDemoCluster', () => {
  let sim: KubernetesApiSimulator;
  afterEach(() => sim.stop());

  it('seeds namespaces, TLS secrets in several states, ingresses and cert-manager objects', async () => {
    sim = await KubernetesApiSimulator.start();
    const now = new Date();
    const { intermediate } = await testPki();
    // A separate issuing CA stands in for the portal's own CA.
    const portalCa = await createLeafCertificate({
      isCa: true,
      commonName: 'Portal Issuing CA',
      dnsNames: [],
      keySlot: 7,
    });
    const summary = await seedDemoCluster(sim, {
      now,
      trustedIssuer: {
        certPem: portalCa.certPem,
        keyPem: portalCa.keyPem,
        chainPem: intermediate.certPem,
      },
    });
    expect(summary.namespaces).toEqual(DEMO_NAMESPACES);

    const kc = sim.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const namespaces = (await core.listNamespace({})).items.map(
      n => n.metadata?.name,
    );
    expect(namespaces).toEqual(expect.arrayContaining(DEMO_NAMESPACES));

    const tls = (
      await core.listSecretForAllNamespaces({
        fieldSelector: 'type=kubernetes.io/tls',
        limit: 500,
      })
    ).items;
    expect(tls.length).toBe(summary.objects.Secret.length - 1);
    const leafOf = (name: string) => {
      const s = tls.find(x => x.metadata?.name === name)!;
      return new X509Certificate(Buffer.from(s.data!['tls.crt'], 'base64'));
    };
    const daysLeft = (name: string) =>
      Math.round(
        (new Date(leafOf(name).validTo).getTime() - now.getTime()) / DAY,
      );
    expect(daysLeft('payments-api-internal-tls')).toBe(20);
    expect(daysLeft('payments-api-mtls')).toBe(3);
    expect(daysLeft('payments-api-old-tls')).toBe(-5);
    expect(
      leafOf('payments-api-partner-tls').publicKey.asymmetricKeyDetails
        ?.modulusLength,
    ).toBe(1024);
    expect(
      leafOf('payments-api-mtls').verify(
        new X509Certificate(portalCa.certPem).publicKey,
      ),
    ).toBe(true);

    const owned = await core.listSecretForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=payments-api',
    });
    expect(owned.items.length).toBeGreaterThanOrEqual(4);
    const orders = await core.listNamespacedSecret({
      namespace: 'orders',
      labelSelector: 'app.kubernetes.io/part-of=orders',
    });
    expect(orders.items).toHaveLength(3);
    expect(
      (await core.listNamespacedSecret({ namespace: 'legacy' })).items.every(
        s => !s.metadata?.labels?.['backstage.io/kubernetes-id'],
      ),
    ).toBe(true);

    const ingresses = (
      await kc.makeApiClient(NetworkingV1Api).listIngressForAllNamespaces({})
    ).items;
    expect(
      ingresses.flatMap(i => i.spec?.tls?.map(t => t.secretName) ?? []),
    ).toContain('checkout-web-cdn-tls');

    const custom = kc.makeApiClient(CustomObjectsApi);
    const certificates = await custom.listClusterCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      plural: 'certificates',
    });
    expect(certificates.items.map((c: any) => c.spec.secretName)).toEqual([
      'payments-api-tls',
      'checkout-web-tls',
    ]);
    expect(certificates.items[0].status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
    });
    const requests = await custom.listClusterCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      plural: 'certificaterequests',
    });
    expect(
      requests.items.map((r: any) => [
        r.metadata.namespace,
        r.metadata.name,
        r.spec.username,
        r.status,
      ]),
    ).toEqual([
      [
        'payments',
        'payments-partner-gateway-1',
        'system:serviceaccount:payments:payments-api',
        undefined,
      ],
      ['storefront', 'catalog-search-admin-1', 'oidc:sam', undefined],
    ]);
    const subjects = [];
    for (const r of requests.items) {
      const csr = new x509.Pkcs10CertificateRequest(
        Buffer.from(r.spec.request, 'base64').toString(),
      );
      expect(await csr.verify()).toBe(true);
      subjects.push(csr.subject);
    }
    expect(subjects).toEqual([
      'CN=partner-gateway.payments.shop.example.com',
      'CN=admin.catalog-search.storefront.svc',
    ]);
    expect(summary.objects.ClusterIssuer).toEqual(['demo-ca']);
    expect(summary.objects.Gateway).toEqual(['ingress-system/public']);
  });

  it('leaves cert-manager and Gateway objects out when those CRDs are absent', async () => {
    sim = await KubernetesApiSimulator.start({ installedGroups: [] });
    const summary = await seedDemoCluster(sim);
    expect(summary.objects.Certificate).toBeUndefined();
    expect(summary.objects.Gateway).toBeUndefined();
    const secret = sim.get('v1', 'Secret', 'payments', 'payments-api-tls');
    expect(secret?.metadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'payments-api',
    });
  });
});
