import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';

/** What the workflow asks an issuer to sign. Immutable: exactly what was approved. */
export interface IssueRequest {
  /** The request id; also the idempotency key. */
  requestId: string;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  validityDays: number;
  clientAuth: boolean;
  /** PKCS#10 CSR in PEM whose public key is to be certified. */
  csrPem: string;
}

export interface IssuedCertificate {
  /** Leaf first, then intermediates, PEM. */
  chainPem: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

/**
 * An issuer that signs CSRs (the built-in CA, ACME). Issuers that deliver in
 * cluster (cert-manager) are handled by the backend's delivery code instead.
 */
export interface CertificateIssuer {
  /** The configured id, unique across issuers. */
  readonly id: string;
  info(): Promise<IssuerInfo>;
  /**
   * Sign. Must be safe to call again with the same requestId after a crash:
   * an issuer that can look up an earlier result should return it.
   */
  issue(request: IssueRequest): Promise<IssuedCertificate>;
  revoke?(options: { serialNumber: string; chainPem: string; reason?: string }): Promise<void>;
}

export interface CertificatesIssuersExtensionPoint {
  addIssuer(issuer: CertificateIssuer): void;
}

/** Lets modules add issuers: `certificates.issuer`. */
export const certificatesIssuersExtensionPoint =
  createExtensionPoint<CertificatesIssuersExtensionPoint>({
    id: 'certificates.issuer',
  });
