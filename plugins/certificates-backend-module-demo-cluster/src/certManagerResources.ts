import { createCsr } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DAY, owned, Put, ready, window } from './seedHelpers';

const DEMO_CA_ISSUER = {
  name: 'demo-ca',
  kind: 'ClusterIssuer',
  group: 'cert-manager.io',
};

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
        issuerRef: DEMO_CA_ISSUER,
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
  put(
    certificateRequest({
      namespace: 'payments',
      name: 'payments-partner-gateway-1',
      owner: 'payments-api',
      csrPem,
      duration: '2160h',
      username: 'system:serviceaccount:payments:payments-api',
    }),
  );
  // Created by a person, who is also an approver: the demo user sam acts
  // in Kubernetes as `oidc:sam` (the `kubernetes-usernames` annotation in
  // examples/org.yaml), so sam may not approve it and sasha may.
  const { csrPem: searchCsr } = await createCsr({
    commonName: 'admin.catalog-search.storefront.svc',
  });
  put(
    certificateRequest({
      namespace: 'storefront',
      name: 'catalog-search-admin-1',
      owner: 'catalog-search',
      csrPem: searchCsr,
      duration: '720h',
      username: 'oidc:sam',
    }),
  );
}

/** A pending CertificateRequest to the demo CA, for a server certificate. */
function certificateRequest(options: {
  namespace: string;
  name: string;
  /** The kubernetes-id of the entity that owns it. */
  owner: string;
  csrPem: string;
  duration: string;
  /** Who created it, as the API server records it. */
  username: string;
}) {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'CertificateRequest',
    metadata: {
      namespace: options.namespace,
      name: options.name,
      ...owned(options.owner),
    },
    spec: {
      request: Buffer.from(options.csrPem).toString('base64'),
      issuerRef: DEMO_CA_ISSUER,
      duration: options.duration,
      usages: ['digital signature', 'key encipherment', 'server auth'],
      username: options.username,
    },
  };
}
