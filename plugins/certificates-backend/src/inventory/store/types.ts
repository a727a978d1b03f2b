import type { UnitOfWork } from '../../database';
import {
  CertificateDetails,
  CertificateListFilter,
  CertificateListResponse,
  CertificateLocation,
  CertificateStatus,
  ChainEntry,
  ChainTrust,
  ClusterSyncStatus,
  CountsResponse,
  Finding,
  FindingKind,
  KeyAlgorithm,
  OwnershipRule,
  ParsedCertificate,
  SortField,
  TimelineBucket,
  CertificateSummary,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { CertificatePermissionFilter } from '../../permissions/types';

/** Everything needed to re-judge a row without the Secret. No key material. */
export interface InventoryRowDetails {
  leaf?: ParsedCertificate;
  chain: ChainEntry[];
  findingDetails: Finding[];
  parseError?: string;
  chainTrusted?: boolean;
  /** Paths to an approved root, judged again at each evaluation's `now`. */
  chainTrust?: ChainTrust;
  keyMatches?: boolean;
  /** Rows of location `endpoint`: what was scanned and how it went. */
  endpoint?: EndpointRowDetails;
}

/** The endpoint behind a row of location `endpoint` (see endpoints/). */
export interface EndpointRowDetails {
  host: string;
  port: number;
  /** The address the host resolved to and was connected to. */
  address?: string;
  /** Where it was declared: annotation, api, ingress or gateway. */
  source: string;
  /** The declaring entity ref, or cluster/kind/namespace/name. */
  origin: string;
  /** Inventory id of the Secret behind it (an Ingress or Gateway's TLS Secret). */
  secretId?: string;
  /** Why the last scan failed; the chain shown is then the last one served. */
  error?: string;
}

/** One inventory row as discovery writes it. */
export interface InventoryRow {
  id: string;
  /** Default `cluster`: a TLS Secret that discovery found. */
  location?: CertificateLocation;
  /** The Secret's cluster; empty for rows of other locations. */
  cluster: string;
  namespace: string;
  secretName: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  status: CertificateStatus;
  findings: FindingKind[];
  entityRef?: string;
  ownerRef?: string;
  ownershipRule?: OwnershipRule;
  /**
   * Written: the request of a certificate issued to a CSR, on the portal's
   * own row (location `portal`), from the issuer's answer; ignored on any
   * other row. Read: the request stored with the row, which for the other
   * rows is the one their certificate proved (see requestLinks.ts).
   */
  requestId?: string;
  details: InventoryRowDetails;
  chainPem?: string;
  /** Set (read-only) when the Secret disappeared. */
  goneAt?: string;
}

export type {
  CertificateQueryFilter,
  CertificatePermissionFilter,
} from '../../permissions/types';

export interface ListQuery {
  filter: CertificateListFilter;
  permissionFilter?: CertificatePermissionFilter;
  sort?: SortField;
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** An Ingress, Gateway or cert-manager object, and the Secrets it references. */
export interface KubernetesObjectRecord {
  kind: string;
  namespace: string;
  name: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  /** Spec/status parts the product shows (never Secret data). */
  data: Record<string, unknown>;
  refs: Array<{ secretNamespace: string; secretName: string; hosts: string[] }>;
}

export interface ClusterStatusUpdate {
  name: string;
  simulated: boolean;
  state: ClusterSyncStatus['state'];
  lastSyncAt?: string;
  lastAttemptAt?: string;
  degradedReason?: string;
}

/** A live row's version, for relist diffs. */
export interface RowVersion {
  id: string;
  resourceVersion?: string;
}

export interface InventoryStore {
  /**
   * True when a write runs to completion in this thread (the embedded
   * SQLite file): rows handed to it never wait in memory on a database
   * server. Absent: false.
   */
  readonly writesInThisThread?: boolean;
  /**
   * Inserts or updates rows; records first-seen / changed / returned /
   * owner-changed; links each row to the request its certificate proves.
   * With `unitOfWork`, the writes join the caller's (they commit or roll
   * back with it).
   */
  upsertCertificates(
    rows: InventoryRow[],
    now: string,
    options?: { unitOfWork?: UnitOfWork },
  ): Promise<void>;
  /**
   * Deletes history records older than `before` (an ISO time), oldest
   * first, `batch` at a time (default 5,000). The rows themselves, with
   * their first-seen time, are kept. Returns how many it deleted.
   */
  pruneHistory(before: string, batch?: number): Promise<number>;
  /** Marks rows gone (kept, with the time); records gone. */
  markGone(ids: string[], now: string): Promise<void>;
  /** Live (not gone) rows of a cluster with their resourceVersion. */
  listLiveVersions(cluster: string): Promise<RowVersion[]>;
  /**
   * Sets last_seen_at of every live row of a cluster (after a full list);
   * with `seenBefore`, only rows last seen before it (rows the list wrote
   * already carry a fresh time).
   */
  touchCluster(
    cluster: string,
    now: string,
    seenBefore?: string,
  ): Promise<void>;
  /** Pages through live rows of a cluster (or of a location), for re-evaluation. */
  forEachRow(
    scope: string | { location: CertificateLocation },
    fn: (rows: InventoryRow[]) => Promise<void>,
    batchSize?: number,
  ): Promise<void>;
  getRows(ids: string[]): Promise<InventoryRow[]>;
  /**
   * Links the rows that prove these issued requests (all issued requests
   * when none are given), for Secrets written before their request was
   * recorded as issued. Returns how many rows it linked.
   */
  linkIssued(requestIds?: string[]): Promise<number>;

  upsertObjects(
    cluster: string,
    objects: KubernetesObjectRecord[],
  ): Promise<void>;
  deleteObjects(
    cluster: string,
    keys: Array<{ kind: string; namespace: string; name: string }>,
  ): Promise<void>;
  listObjects(
    cluster: string,
    kind?: string,
  ): Promise<KubernetesObjectRecord[]>;

  listCertificates(query: ListQuery): Promise<CertificateListResponse>;
  getCertificate(
    id: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CertificateDetails | undefined>;
  /** The rows of `ids` the filter lets through, as summaries, in one read. */
  getSummaries(
    ids: string[],
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CertificateSummary[]>;
  getChainPem(
    id: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<string | undefined>;
  counts(
    filter: CertificateListFilter,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<CountsResponse>;
  timeline(
    filter: CertificateListFilter,
    weeks: number,
    now: string,
    permissionFilter?: CertificatePermissionFilter,
  ): Promise<TimelineBucket[]>;
  /** Streams every matching row in pages, in the list's order. */
  exportCertificates(
    query: Omit<ListQuery, 'limit' | 'cursor'>,
    fn: (rows: CertificateSummary[]) => Promise<void> | void,
  ): Promise<void>;

  /** Aggregates for metrics: counts by cluster and status, earliest expiry per cluster. */
  aggregates(): Promise<{
    byClusterAndStatus: Array<{
      location: CertificateLocation;
      /** Absent for rows of other locations than `cluster`. */
      cluster?: string;
      status: CertificateStatus;
      count: number;
    }>;
    earliestExpiry: Array<{
      location: CertificateLocation;
      cluster?: string;
      notAfter: string;
    }>;
  }>;

  setClusterStatus(update: ClusterStatusUpdate): Promise<void>;
  listClusters(): Promise<ClusterSyncStatus[]>;
}

export type { KeyAlgorithm };
