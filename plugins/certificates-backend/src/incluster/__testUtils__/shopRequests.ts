import { KubernetesObjectInput } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';

/** A cert-manager CertificateRequest in `shop` for corp-ca, labelled as the shop-api entity's. */
export const shopCertificateRequest = (
  name: string,
  spec: Record<string, unknown>,
): KubernetesObjectInput => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'CertificateRequest',
  metadata: {
    name,
    namespace: 'shop',
    labels: { 'backstage.io/kubernetes-id': 'shop-api' },
  },
  spec: {
    issuerRef: {
      name: 'corp-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    },
    ...spec,
  },
});
