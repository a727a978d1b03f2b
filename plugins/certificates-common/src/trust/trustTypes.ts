/** Where an approved root came from: seeded at start, or approved in the portal. */
export type TrustRootSource = 'config' | 'builtin' | 'portal';

/** One approved root of trust, as GET /trust lists it. */
export interface TrustRoot {
  /** SHA-256 of the DER certificate, upper-case hex with colons. */
  fingerprint: string;
  subject: string;
  notAfter: string;
  source: TrustRootSource;
  pem: string;
  addedAt: string;
  addedBy: string;
}

/** What a root change does. */
export type TrustChangeAction = 'add' | 'remove';

export type TrustChangeState = 'pending' | 'approved' | 'denied';

export interface TrustChangeDecision {
  actor: string;
  decision: 'approve' | 'deny';
  reason?: string;
  at: string;
}

/** A request to add or remove an approved root; it needs its own approvals. */
export interface TrustChange {
  id: string;
  action: TrustChangeAction;
  fingerprint: string;
  subject: string;
  /** The certificate to add (present for `add`). */
  pem?: string;
  requester: string;
  reason: string;
  state: TrustChangeState;
  /** Distinct approvals needed. */
  required: number;
  createdAt: string;
  decidedAt?: string;
  decisions: TrustChangeDecision[];
}

/**
 * A distribution target's state: `in-sync`; `missing` (not there);
 * `edited` (someone changed what the portal wrote); `stale` (an older
 * bundle the portal wrote); `foreign` (an object of that name the portal
 * did not create, left alone); `error` (the cluster refused or failed).
 */
export type TrustTargetState =
  | 'in-sync'
  | 'missing'
  | 'edited'
  | 'stale'
  | 'foreign'
  | 'error';

/** One place the bundle is kept: a ConfigMap in a namespace, or a trust-manager Bundle. */
export interface TrustTargetStatus {
  cluster: string;
  /** Empty for a cluster-scoped trust-manager Bundle. */
  namespace: string;
  kind: 'ConfigMap' | 'Bundle';
  name: string;
  state: TrustTargetState;
  /** What was found (or repaired) and why, for people. */
  detail?: string;
  checkedAt: string;
}

/** Answer of GET /trust. */
export interface TrustOverview {
  roots: TrustRoot[];
  changes: TrustChange[];
  targets: TrustTargetStatus[];
  /** SHA-256 hex of the bundle PEM now approved. */
  bundleHash: string;
  /** Approvals a root change needs and who may give them. */
  approvals: { required: number; approvers: string[] };
}
