import { createCsr } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DAY, owned, Put, ready, window } from './seedHelpers';

/**
 * cert-manager resources of the demo: the issuers, the Certificates behind
 * two demo Secrets and pending CertificateRequests for the approvals queue.
 */
export async function seedCertManager(put: Put, now: Date): Promise<void> {
  const t = now.getTime();
  put({
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: 'demo-ca' },
    spec: { ca: { secretName: 'demo-ca-key-pair' } },
    status: ready('Signing CA verified', now),
  });
  put({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { namespace: 'legacy', name: 'selfsigned' },
    spec: { selfSigned: {} },
    status: ready('', now),
  });
  for (const [namespace, name, host] of [
    ['payments', 'payments-api', 'payments.shop.example.com'],
    ['storefront', 'checkout-web', 'checkout.shop.example.com'],
  ]) {
    const w = window(t, 'valid');
    put({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace, name, ...owned(name) },
      spec: {
        secretName: `${name}-tls`,
        dnsNames: [host],
        duration: '2160h',
        renewBefore: '720h',
        issuerRef: {
          name: 'demo-ca',
          kind: 'ClusterIssuer',
          group: 'cert-manager.io',
        },
        privateKey: { algorithm: 'ECDSA', size: 256 },
        secretTemplate: { labels: owned(name).labels },
      },
      status: {
        ...ready('Certificate is up to date and has not expired', now),
        notBefore: w.notBefore!.toISOString().replace(/\.\d+Z$/, 'Z'),
        notAfter: w.notAfter!.toISOString().replace(/\.\d+Z$/, 'Z'),
        renewalTime: new Date(w.notAfter!.getTime() - 30 * DAY)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        revision: 1,
      },
    });
  }
  const { csrPem } = await createCsr({
    commonName: 'partner-gateway.payments.shop.example.com',
  });
  put({
    apiVersion: 'cert-manager.io/v1',
    kind: 'CertificateRequest',
    metadata: {
      namespace: 'payments',
      name: 'payments-partner-gateway-1',
      ...owned('payments-api'),
    },
    spec: {
      request: Buffer.from(csrPem).toString('base64'),
      issuerRef: {
        name: 'demo-ca',
        kind: 'ClusterIssuer',
        group: 'cert-manager.io',
      },
      duration: '2160h',
      usages: ['digital signature', 'key encipherment', 'server auth'],
      username: 'system:serviceaccount:payments:payments-api',
    },
  });
  // Created by a person, who is also an approver: the demo user sam acts
  // in Kubernetes as `oidc:sam` (the `kubernetes-usernames` annotation in
  // examples/org.yaml), so sam may not approve it and sasha may.
  const { csrPem: searchCsr } = await createCsr({
    commonName: 'admin.catalog-search.storefront.svc',
  });
  put({
    apiVersion: 'cert-manager.io/v1',
    kind: 'CertificateRequest',
    metadata: {
      namespace: 'storefront',
      name: 'catalog-search-admin-1',
      ...owned('catalog-search'),
    },
    spec: {
      request: Buffer.from(searchCsr).toString('base64'),
      issuerRef: {
        name: 'demo-ca',
        kind: 'ClusterIssuer',
        group: 'cert-manager.io',
      },
      duration: '720h',
      usages: ['digital signature', 'key encipherment', 'server auth'],
      username: 'oidc:sam',
    },
  });
}
