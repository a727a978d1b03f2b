import { Finding, ParsedCertificate } from '../types';
import { certificateCoversHost } from './hostnames';

/** Why a scan got no certificate. */
export type EndpointErrorKind =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'handshake'
  | 'address-not-allowed'
  | 'other';

export interface EndpointError {
  kind: EndpointErrorKind;
  /** The system's own words (e.g. ECONNREFUSED), for the owner. */
  detail?: string;
}

/** The certificate in the Secret that backs the endpoint (e.g. an Ingress's TLS Secret). */
export interface BackingSecret {
  /** `namespace/name`, as the owner knows it. */
  name: string;
  fingerprintSha256: string;
  notBefore: string;
}

export interface EndpointObservation {
  host: string;
  port: number;
  /** The served leaf; undefined when the scan failed. */
  leaf?: Pick<
    ParsedCertificate,
    'dnsNames' | 'ipAddresses' | 'fingerprintSha256' | 'notBefore'
  >;
  error?: EndpointError;
  /**
   * The served chain alone does not reach an approved root, but does with
   * the intermediates the product knows: the server leaves them out.
   */
  chainIncomplete?: boolean;
  secret?: BackingSecret;
}

const REASONS: Record<EndpointErrorKind, string> = {
  dns: 'the host name does not resolve',
  refused: 'the connection was refused',
  timeout: 'no TLS handshake within the time limit',
  handshake: 'the TLS handshake failed',
  'address-not-allowed': 'its address may not be scanned',
  other: 'the connection failed',
};

/** A short, human reason for a failed scan. */
export function endpointErrorReason(error: EndpointError): string {
  return error.detail
    ? `${REASONS[error.kind]} (${error.detail})`
    : REASONS[error.kind];
}

/**
 * What is wrong with what an endpoint serves, beyond the certificate's own
 * health (computeHealth judges the served leaf like any other).
 */
export function endpointFindings(observed: EndpointObservation): Finding[] {
  const where = `${observed.host}:${observed.port}`;
  const findings: Finding[] = [];
  if (observed.error || !observed.leaf) {
    findings.push({
      kind: 'endpoint-unreachable',
      message: `${where} could not be scanned: ${endpointErrorReason(
        observed.error ?? { kind: 'other' },
      )}.`,
      remedy:
        observed.error?.kind === 'address-not-allowed'
          ? 'Declare the public name of the service, or allow the address range in certificates.endpoints.'
          : 'Check that the service is up and serves TLS on this port, or remove the endpoint from the entity.',
    });
    return findings;
  }
  const leaf = observed.leaf;
  if (!certificateCoversHost(leaf, observed.host)) {
    findings.push({
      kind: 'hostname-mismatch',
      message: `The certificate served on ${where} does not cover ${observed.host}; clients reject it.`,
      remedy: `Serve a certificate with ${observed.host} (or a matching wildcard) among its DNS names.`,
    });
  }
  if (observed.chainIncomplete) {
    findings.push({
      kind: 'chain-incomplete',
      message: `${where} does not send the intermediate certificates needed to reach an approved root.`,
      remedy:
        'Put the full chain (leaf, then intermediates) in tls.crt, or configure the server to send it.',
    });
  }
  const secret = observed.secret;
  if (
    secret &&
    secret.fingerprintSha256 !== leaf.fingerprintSha256 &&
    Date.parse(secret.notBefore) > Date.parse(leaf.notBefore)
  ) {
    findings.push({
      kind: 'served-outdated',
      message: `${where} still serves an older certificate than the one in Secret ${secret.name}.`,
      remedy:
        'Reload or restart the server (or the Ingress controller) so that it serves the renewed certificate.',
    });
  }
  return findings;
}

/** The endpoint findings' texts, for lists that carry only the kinds. */
export const ENDPOINT_FINDING_TEXTS = {
  'hostname-mismatch': {
    message: 'The certificate an endpoint serves does not cover its host name.',
    remedy:
      'Serve a certificate with the host (or a matching wildcard) among its DNS names.',
  },
  'chain-incomplete': {
    message:
      'The endpoint does not send the intermediates needed to reach an approved root.',
    remedy: 'Serve the full chain: leaf, then intermediates.',
  },
  'served-outdated': {
    message:
      'The endpoint serves an older certificate than the Secret behind it holds.',
    remedy:
      'Reload or restart the server or Ingress controller so that it serves the renewed certificate.',
  },
  'endpoint-unreachable': {
    message:
      'The endpoint could not be scanned (refused, timed out, handshake failed or name not found).',
    remedy:
      'Check that the service is up and serves TLS on this port, or remove the endpoint.',
  },
} as const;
