import {
  CertificateRequest,
  RequestedCertificate,
} from '@kubecerts/backstage-plugin-certificates-common';

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

/** A key in words, e.g. "RSA 2048", "EC P-256"; "unknown" when the CSR gave none. */
export function describeKey(key: RequestedCertificate['key']): string {
  if (!key) return 'unknown';
  const detail = key.curve ?? (key.size ? String(key.size) : '');
  return detail ? `${key.algorithm} ${detail}` : key.algorithm;
}

/** A requested lifetime in words, with the text as written: "10 years (87600h)". */
export function describeDuration(
  requested: Pick<RequestedCertificate, 'duration' | 'durationHours'>,
): string {
  const { duration, durationHours: hours } = requested;
  if (hours === undefined)
    return duration ? `${duration} (unreadable)` : 'issuer default';
  const days = hours / 24;
  let words: string;
  if (days >= 365 && Number.isInteger(days / 365))
    words = `${days / 365} year${days === 365 ? '' : 's'}`;
  else if (days >= 1 && Number.isInteger(days))
    words = `${days} day${days === 1 ? '' : 's'}`;
  else words = `${hours} hour${hours === 1 ? '' : 's'}`;
  return `${words} (${duration ?? `${hours}h`})`;
}
