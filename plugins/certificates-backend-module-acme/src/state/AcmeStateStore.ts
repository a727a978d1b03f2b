/** What is remembered about the ACME order placed for one request. */
export interface AcmeOrderRecord {
  orderUrl: string;
  /** SHA-256 (hex) of the CSR's DER: a retry with another key must not get the old certificate. */
  csrSha256: string;
  createdAt: string;
}

/**
 * Durable state of one ACME issuer: the account key (when not configured) and
 * the order placed per request id, so a retried issuance fetches the existing
 * certificate instead of ordering again.
 */
export interface AcmeStateStore {
  getAccountKey(): Promise<string | undefined>;
  saveAccountKey(pem: string): Promise<void>;
  getOrder(requestId: string): Promise<AcmeOrderRecord | undefined>;
  saveOrder(requestId: string, record: AcmeOrderRecord): Promise<void>;
}
