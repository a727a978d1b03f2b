/*
 * Domain and API types shared by the frontend and the backend.
 *
 * Dates travel as ISO 8601 strings so that the same objects go over HTTP,
 * into the database and into the pure rules without conversion surprises.
 */

/** Health status of a certificate; the first matching rule wins. */
export type CertificateStatus =
  | 'expired'
  | 'not-yet-valid'
  | 'critical'
  | 'expiring'
  | 'valid'
  | 'unparseable';

export const CERTIFICATE_STATUSES: readonly CertificateStatus[] = [
  'expired',
  'not-yet-valid',
  'critical',
  'expiring',
  'valid',
  'unparseable',
];

/** A problem with a certificate, independent of its expiry status. */
export type FindingKind =
  | 'weak-key'
  | 'weak-signature'
  | 'self-signed'
  | 'untrusted-chain'
  | 'unapproved-issuer'
  | 'validity-too-long'
  | 'no-san'
  | 'key-mismatch'
  | 'unowned'
  | 'is-ca'
  | 'unsupported-algorithm'
  | 'hostname-mismatch'
  | 'chain-incomplete'
  | 'served-outdated'
  | 'endpoint-unreachable';

export const FINDING_KINDS: readonly FindingKind[] = [
  'weak-key',
  'weak-signature',
  'self-signed',
  'untrusted-chain',
  'unapproved-issuer',
  'validity-too-long',
  'no-san',
  'key-mismatch',
  'unowned',
  'is-ca',
  'unsupported-algorithm',
  'hostname-mismatch',
  'chain-incomplete',
  'served-outdated',
  'endpoint-unreachable',
];

export interface Finding {
  kind: FindingKind;
  /** One human sentence: what is wrong. */
  message: string;
  /** One human sentence: what to do about it. */
  remedy?: string;
}

export type KeyAlgorithm =
  | 'RSA'
  | 'EC'
  | 'Ed25519'
  | 'Ed448'
  | 'DSA'
  | 'unknown';

/** The fields of one X.509 certificate that the product needs. */
export interface ParsedCertificate {
  subject: string;
  /** Common name of the subject, when present. */
  commonName?: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emails: string[];
  keyAlgorithm: KeyAlgorithm;
  /** RSA/DSA modulus size in bits. */
  keySize?: number;
  /** EC curve name, e.g. P-256. */
  curve?: string;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA256. */
  signatureAlgorithm: string;
  fingerprintSha256: string;
  isCA: boolean;
  /** Subject equals issuer and the signature verifies with its own key. */
  selfSigned: boolean;
  /**
   * How self-signed was decided: by the signature, or, when the signature
   * cannot be verified (an algorithm node cannot use), by the names and the
   * key identifiers alone.
   */
  selfSignedBy?: 'signature' | 'names-and-key-id';
  /** The key algorithm's name (or OID) when keyAlgorithm is unknown. */
  keyAlgorithmName?: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
}

/** One certificate of a chain as found in tls.crt (leaf first). */
export interface ChainEntry {
  subject: string;
  issuer: string;
  fingerprintSha256: string;
  notAfter: string;
  isCA: boolean;
  /** True when this certificate is one of the approved roots or chains to one. */
  trusted: boolean;
}

/** How the owner of a certificate was decided. */
export type OwnershipRule =
  | 'secret-label'
  | 'certificate-label'
  | 'ingress-label'
  | 'label-selector'
  | 'namespace-mapping'
  | 'request';

export interface Ownership {
  /** The catalog entity the certificate belongs to, e.g. component:default/payments. */
  entityRef?: string;
  /** The owner team of that entity (its spec.owner), e.g. group:default/team-a. */
  ownerRef?: string;
  rule?: OwnershipRule;
}

/** Where a Secret is used. */
export interface CertificateUsage {
  kind: 'Ingress' | 'Gateway';
  namespace: string;
  name: string;
  hosts: string[];
}

/** The cert-manager Certificate that manages a Secret. */
export interface CertManagerInfo {
  name: string;
  namespace: string;
  issuerRef: { name: string; kind: string; group?: string };
  ready?: { status: string; reason?: string; message?: string };
  issuing?: { status: string; reason?: string; message?: string };
  renewalTime?: string;
  notAfter?: string;
}

/**
 * Where an inventory row's certificate is: `cluster`, a TLS Secret found in
 * a cluster; `portal`, a certificate the portal issued to a CSR (it lives
 * in no cluster); `endpoint`, the chain a TLS endpoint served when it was
 * scanned. Open: show a value you do not know as it is.
 */
export type CertificateLocation =
  | 'cluster'
  | 'portal'
  | 'endpoint'
  | (string & {});

/** The location of rows from servers that did not report one. */
export const DEFAULT_CERTIFICATE_LOCATION: CertificateLocation = 'cluster';

/** One row of the inventory: one (location, cluster, namespace, secret). */
export interface CertificateSummary {
  /** Stable id: sha256 of cluster/namespace/name, hex. */
  id: string;
  /** Absent from servers before locations: read as `cluster`. */
  location?: CertificateLocation;
  /** The cluster of a `cluster` row; absent for the other locations. */
  cluster?: string;
  namespace: string;
  secretName: string;
  commonName?: string;
  dnsNames: string[];
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
  status: CertificateStatus;
  findings: FindingKind[];
  keyAlgorithm?: KeyAlgorithm;
  keySize?: number;
  curve?: string;
  fingerprintSha256?: string;
  entityRef?: string;
  ownerRef?: string;
  /**
   * Request that issued it, when it came through the portal: set only when
   * the certificate proves it (it is the certificate the request was
   * issued, at the request's target Secret), never from a label.
   */
  requestId?: string;
  /** Set when the Secret disappeared from the cluster. */
  goneAt?: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface CertificateHistoryEntry {
  at: string;
  event: 'first-seen' | 'changed' | 'gone' | 'returned' | 'owner-changed';
  /** e.g. the old and new fingerprints. */
  detail?: string;
}

export interface CertificateDetails extends CertificateSummary {
  leaf?: ParsedCertificate;
  chain: ChainEntry[];
  findingDetails: Finding[];
  ownership: Ownership;
  usedBy: CertificateUsage[];
  certManager?: CertManagerInfo;
  /** Why the data could not be parsed, when status is unparseable. */
  parseError?: string;
  history: CertificateHistoryEntry[];
  /**
   * A request id the Secret's label names that the certificate does not
   * prove: shown as a claim, it links nothing and allows nothing.
   */
  claimedRequestId?: string;
}

export type SortField =
  | 'notAfter'
  | 'commonName'
  | 'cluster'
  | 'namespace'
  | 'status'
  | 'lastSeenAt';

export interface CertificateListFilter {
  entityRef?: string[];
  owner?: string[];
  location?: CertificateLocation[];
  cluster?: string[];
  namespace?: string[];
  status?: CertificateStatus[];
  finding?: FindingKind[];
  issuer?: string[];
  /** Free text over CN, SANs, secret name, namespace. */
  q?: string;
  /** Include rows whose Secret is gone. Default false. */
  includeGone?: boolean;
  /** Only rows that expire before this instant. */
  expiresBefore?: string;
}

export interface CertificateListResponse {
  items: CertificateSummary[];
  totalCount: number;
  nextCursor?: string;
}

export interface CountsResponse {
  total: number;
  byStatus: Partial<Record<CertificateStatus, number>>;
  byFinding: Partial<Record<FindingKind, number>>;
  /** Rows of the `cluster` location only. */
  byCluster: Array<{ cluster: string; count: number }>;
  /** Absent from servers before locations. */
  byLocation?: Array<{ location: CertificateLocation; count: number }>;
  byIssuer: Array<{ issuer: string; count: number }>;
  byOwner: Array<{ owner: string | null; count: number }>;
  nearestExpiry?: CertificateSummary;
}

export interface TimelineBucket {
  /** Start of the week (ISO). */
  weekStart: string;
  byStatus: Partial<Record<CertificateStatus, number>>;
  total: number;
}

export interface ClusterSyncStatus {
  name: string;
  /** True for the simulated demo cluster. */
  simulated: boolean;
  state: 'ok' | 'degraded' | 'syncing' | 'never-synced';
  lastSyncAt?: string;
  lastAttemptAt?: string;
  degradedReason?: string;
  certificateCount: number;
  /** The backend replica watching the cluster now (none while no replica holds it). */
  holder?: string;
}

/**
 * How the scans of one endpoint (a certificate of location `endpoint`) went:
 * what it resolved to, when a handshake last succeeded, and why the last
 * attempt failed if it did.
 */
export interface EndpointScanStatus {
  /** The inventory id of the endpoint's certificate. */
  id: string;
  host: string;
  port: number;
  /** Where it was declared: annotation, api, ingress or gateway. */
  source: string;
  /** The declaring entity ref, or cluster/kind/namespace/name. */
  origin: string;
  /** The address the last successful scan connected to. */
  resolvedAddress?: string;
  lastAttemptAt: string;
  /** The last time a handshake succeeded; none if none ever did. */
  lastSeenAt?: string;
  /** Why the last attempt failed; none when it succeeded. */
  lastError?: string;
  lastDurationMs?: number;
}

export * from './requestTypes';
