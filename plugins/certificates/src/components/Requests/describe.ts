import { CertificateRequest } from '@internal/plugin-certificates-common';

/** The name people know a request by: its CN, else its first DNS name, else its id. */
export function requestTitle(request: CertificateRequest): string {
  return request.commonName || request.dnsNames[0] || request.id;
}

/** Delivery in one line, e.g. "Secret prod/payments/payments-tls". */
export function describeDelivery(request: CertificateRequest): string {
  const { delivery } = request;
  if (delivery.kind === 'csr') return 'CSR (download)';
  const where = [delivery.cluster, delivery.namespace, delivery.secretName]
    .filter(Boolean)
    .join('/');
  return `${delivery.kind === 'secret' ? 'Secret' : 'cert-manager'} ${where}`;
}
