import {
  createLeafCertificate,
  FixtureIssuer,
  garbageSecret,
  keyMismatchSecret,
  KubernetesApiSimulator,
  LeafCertificateOptions,
  tlsSecret,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { seedCertManager } from './certManagerResources';
import { ingress, owned, Put, Validity, window } from './seedHelpers';

export interface SeedDemoClusterOptions {
  /** Reference time for validity windows; default now. */
  now?: Date;
  /** CA that signs the "trusted" demo certificates (e.g. the portal's built-in CA); default the fixture PKI. */
  trustedIssuer?: FixtureIssuer;
}

/** What was seeded, by kind, as `namespace/name` (or `name` when cluster-scoped). */
export interface DemoClusterSummary {
  namespaces: string[];
  objects: Record<string, string[]>;
}

export const DEMO_NAMESPACES = [
  'payments',
  'storefront',
  'orders',
  'legacy',
  'ingress-system',
];

/**
 * Seeds the simulated demo cluster with certificates the portal can show:
 * owned ones in several health states, unowned and non-compliant ones,
 * Ingresses, cert-manager resources (when installed) and a pending
 * CertificateRequest for the approvals queue.
 */
export async function seedDemoCluster(
  sim: KubernetesApiSimulator,
  options: SeedDemoClusterOptions = {},
): Promise<DemoClusterSummary> {
  const now = options.now ?? new Date();
  const t = now.getTime();
  const trusted = options.trustedIssuer;
  const summary: DemoClusterSummary = {
    namespaces: [...DEMO_NAMESPACES],
    objects: {},
  };
  const put: Put = obj => {
    sim.apply(obj);
    const ref = obj.metadata.namespace
      ? `${obj.metadata.namespace}/${obj.metadata.name}`
      : obj.metadata.name;
    (summary.objects[obj.kind] ??= []).push(ref);
  };
  for (const name of DEMO_NAMESPACES) {
    sim.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    });
  }

  const cert = async (
    namespace: string,
    name: string,
    host: string,
    validity: Validity,
    extra: LeafCertificateOptions & {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    } = {},
  ) => {
    const { labels, annotations, ...leafOptions } = extra;
    const leaf = await createLeafCertificate({
      dnsNames: [host],
      issuer: trusted ?? 'intermediate',
      ...window(t, validity),
      ...leafOptions,
    });
    put(
      tlsSecret({
        namespace,
        name,
        labels,
        annotations,
        certPem: leaf.chainPem,
        keyPem: leaf.keyPem,
      }),
    );
  };
  const orders = { labels: { 'app.kubernetes.io/part-of': 'orders' } };
  const certManager = sim.isGroupInstalled('cert-manager.io');
  const byCertManager = (certificate: string) => ({
    annotations: {
      'cert-manager.io/certificate-name': certificate,
      'cert-manager.io/issuer-name': 'demo-ca',
      'cert-manager.io/issuer-kind': 'ClusterIssuer',
      'cert-manager.io/issuer-group': 'cert-manager.io',
    },
  });

  // payments-api (team-payments)
  await cert(
    'payments',
    'payments-api-tls',
    'payments.shop.example.com',
    'valid',
    certManager ? byCertManager('payments-api') : owned('payments-api'),
  );
  await cert(
    'payments',
    'payments-api-internal-tls',
    'payments.payments.svc',
    'expiring',
    owned('payments-api'),
  );
  await cert(
    'payments',
    'payments-api-mtls',
    'mtls.payments.shop.example.com',
    'critical',
    owned('payments-api'),
  );
  await cert(
    'payments',
    'payments-api-old-tls',
    'old.payments.shop.example.com',
    'expired',
    owned('payments-api'),
  );
  await cert(
    'payments',
    'payments-api-partner-tls',
    'partner.payments.shop.example.com',
    'valid',
    { ...owned('payments-api'), keyType: 'rsa-1024' },
  );
  put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: 'payments', name: 'payments-db-credentials' },
    type: 'Opaque',
    data: { password: Buffer.from('demo').toString('base64') },
  });
  put(
    ingress({
      namespace: 'payments',
      name: 'payments-api',
      owner: 'payments-api',
      className: 'nginx',
      tls: [['payments.shop.example.com', 'payments-api-tls']],
    }),
  );

  // checkout-web and catalog-search (team-storefront); the namespace maps to the team.
  await cert(
    'storefront',
    'checkout-web-tls',
    'checkout.shop.example.com',
    'valid',
    certManager ? byCertManager('checkout-web') : owned('checkout-web'),
  );
  await cert(
    'storefront',
    'checkout-web-cdn-tls',
    'cdn.shop.example.com',
    'expiring',
  );
  await cert(
    'storefront',
    'checkout-web-preview-tls',
    'preview.shop.example.com',
    'valid',
    { ...owned('checkout-web'), selfSigned: true },
  );
  await cert(
    'storefront',
    'catalog-search-tls',
    'search.shop.example.com',
    'critical',
    owned('catalog-search'),
  );
  await cert(
    'storefront',
    'catalog-search-old-tls',
    'search-old.shop.example.com',
    'expired',
    owned('catalog-search'),
  );
  await cert(
    'storefront',
    'storefront-wildcard-tls',
    '*.shop.example.com',
    'three-years',
  );
  put(
    ingress({
      namespace: 'storefront',
      name: 'checkout-web',
      owner: 'checkout-web',
      className: 'nginx',
      tls: [
        ['checkout.shop.example.com', 'checkout-web-tls'],
        ['cdn.shop.example.com', 'checkout-web-cdn-tls'],
      ],
    }),
  );
  put(
    ingress({
      namespace: 'storefront',
      name: 'catalog-search',
      tls: [['search.shop.example.com', 'catalog-search-tls']],
    }),
  );

  // orders-worker, found by label selector
  await cert(
    'orders',
    'orders-worker-tls',
    'orders.orders.svc',
    'valid',
    orders,
  );
  await cert('orders', 'orders-queue-tls', 'queue.orders.svc', 'expiring', {
    ...orders,
    hash: 'SHA-1',
  });
  await cert(
    'orders',
    'orders-worker-old-tls',
    'orders-old.orders.svc',
    'expired',
    orders,
  );

  // legacy: nobody owns these
  await cert(
    'legacy',
    'legacy-admin-tls',
    'admin.legacy.example.com',
    'valid',
    { issuer: 'rogue' },
  );
  await cert(
    'legacy',
    'legacy-intranet-tls',
    'intranet.legacy.example.com',
    'expired',
    { selfSigned: true, keyType: 'rsa-2048' },
  );
  await cert('legacy', 'legacy-db-tls', 'db.legacy.example.com', 'critical', {
    keyType: 'rsa-1024',
    hash: 'SHA-1',
  });
  await cert(
    'legacy',
    'legacy-ca-as-server-tls',
    'ca.legacy.example.com',
    'valid',
    { isCa: true },
  );
  put(
    await keyMismatchSecret({
      namespace: 'legacy',
      name: 'legacy-mismatch-tls',
      dnsNames: ['mismatch.legacy.example.com'],
      issuer: trusted ?? 'intermediate',
      ...window(t, 'valid'),
    }),
  );
  put(garbageSecret({ namespace: 'legacy', name: 'legacy-broken-tls' }));

  // ingress-system: the controller's default certificate
  await cert(
    'ingress-system',
    'default-ingress-tls',
    '*.apps.example.com',
    'valid',
  );
  if (sim.isGroupInstalled('gateway.networking.k8s.io')) {
    put({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { namespace: 'ingress-system', name: 'public' },
      spec: {
        gatewayClassName: 'demo',
        listeners: [
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: '*.apps.example.com',
            tls: {
              mode: 'Terminate',
              certificateRefs: [
                { kind: 'Secret', name: 'default-ingress-tls' },
              ],
            },
          },
        ],
      },
    });
  }

  if (certManager) {
    await seedCertManager(put, now);
  }
  return summary;
}
