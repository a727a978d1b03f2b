import {
  CertificateRequest,
  KeyAlgorithmChoice,
  RequestedCertificate,
} from '../types';

const KEYS: Record<KeyAlgorithmChoice, RequestedCertificate['key']> = {
  'ECDSA-P256': { algorithm: 'EC', curve: 'P-256' },
  'ECDSA-P384': { algorithm: 'EC', curve: 'P-384' },
  'RSA-2048': { algorithm: 'RSA', size: 2048 },
  'RSA-3072': { algorithm: 'RSA', size: 3072 },
  'RSA-4096': { algorithm: 'RSA', size: 4096 },
};

/**
 * What a request's certificate will contain. An in-cluster request carries
 * it (read from its spec and CSR); for a portal request it follows from the
 * submitted fields and what the portal asks its issuers for: never a CA,
 * server auth (and client auth when asked), the usages the built-in CA and
 * the portal's cert-manager Certificates set.
 */
export function requestedCertificateOf(
  request: Pick<
    CertificateRequest,
    | 'requested'
    | 'commonName'
    | 'dnsNames'
    | 'ipAddresses'
    | 'uris'
    | 'keyAlgorithm'
    | 'validityDays'
    | 'clientAuth'
    | 'delivery'
  >,
): RequestedCertificate {
  if (request.requested) return request.requested;
  const key = KEYS[request.keyAlgorithm];
  const encipherment =
    key?.algorithm === 'RSA' || request.delivery.kind === 'cert-manager';
  return {
    commonName: request.commonName,
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses ?? [],
    uris: request.uris ?? [],
    emails: [],
    isCA: false,
    keyUsages: encipherment
      ? ['digital signature', 'key encipherment']
      : ['digital signature'],
    extendedKeyUsages: request.clientAuth
      ? ['server auth', 'client auth']
      : ['server auth'],
    duration: `${request.validityDays * 24}h`,
    durationHours: request.validityDays * 24,
    key,
    csrExtensions: [],
  };
}
