import { CertificateRequest, ValidationResult } from '../types';

/** Whether one action on a certificate is possible, and why not when it is not. */
export interface CertificateAction {
  allowed: boolean;
  /** Why not, as a sentence for the user, when not allowed. */
  reason?: string;
}

/** Renew and revoke for one certificate, as `GET /certificates/:id` returns them. */
export interface CertificateActions {
  renew: CertificateAction;
  revoke: CertificateAction;
}

/** How a certificate would be renewed. */
export type RenewalRoute =
  | { via: 'request'; request: CertificateRequest }
  | { via: 'cert-manager'; namespace: string; name: string };

/** RFC 5280 revocation reasons (CRLReason names) the portal accepts. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** What is known about a certificate that decides its lifecycle actions. */
export interface LifecycleFacts {
  /** The inventory row is gone from its cluster since this time. */
  goneAt?: string;
  /** The row's portal request, when it has one and it is known. */
  request?: CertificateRequest;
  /** The row names a portal request that is not known (any more). */
  unknownRequestId?: string;
  /**
   * A request the Secret's label names that the certificate does not prove
   * (see requestLinkVerdict): a hint only, it never links.
   */
  claimedRequestId?: string;
  /** The cert-manager Certificate that writes the row's Secret, if any. */
  certManager?: {
    namespace: string;
    name: string;
    /** The Certificate's Issuing condition is True: cert-manager is at it. */
    issuing: boolean;
  };
  /** The request's issuer can revoke (built-in CA, ACME); false for cert-manager issuers. */
  issuerCanRevoke: boolean;
  /** A renewal of the request's lineage still under way. */
  openRenewal?: CertificateRequest;
  /** A later request of the lineage, issued: this certificate was renewed. */
  newerRequest?: CertificateRequest;
}

function unprovenClaim(facts: LifecycleFacts): string {
  return `Its Secret is labelled with request ${facts.claimedRequestId}, but it does not hold the certificate that request issued at its delivery target: a label does not make it the portal's.`;
}

/** The first request of a request's renewal lineage. */
export function lineageOf(request: CertificateRequest): string {
  return request.renewalOf ?? request.id;
}

/**
 * How a certificate can be renewed from the portal, or why it cannot: through
 * its portal request (a renewal request with the same names), or by asking
 * the cert-manager Certificate that writes it to issue again.
 */
export function renewalRoute(
  facts: LifecycleFacts,
): { route: RenewalRoute } | { reason: string } {
  if (facts.goneAt) {
    return { reason: 'Its Secret is gone from the cluster.' };
  }
  const r = facts.request;
  if (r) {
    if (r.revokedAt) return { reason: 'It was revoked.' };
    if (r.state !== 'issued') {
      return { reason: `Its request ${r.id} is ${r.state}, not issued.` };
    }
    if (facts.openRenewal) {
      return {
        reason: `A renewal is already under way: request ${facts.openRenewal.id} is ${facts.openRenewal.state}.`,
      };
    }
    if (facts.newerRequest) {
      return {
        reason: `It was renewed since: request ${facts.newerRequest.id} is newer; renew that one.`,
      };
    }
    return { route: { via: 'request', request: r } };
  }
  if (facts.certManager) {
    if (facts.certManager.issuing) {
      return {
        reason: `cert-manager is already issuing Certificate ${facts.certManager.namespace}/${facts.certManager.name}.`,
      };
    }
    return {
      route: {
        via: 'cert-manager',
        namespace: facts.certManager.namespace,
        name: facts.certManager.name,
      },
    };
  }
  return notFromPortal(
    facts,
    'It was not issued through the portal and no cert-manager Certificate manages it: renew it where it was issued.',
  );
}

/** Why a certificate without a proven request is out of the portal's hands. */
function notFromPortal(
  facts: LifecycleFacts,
  otherwise: string,
): { reason: string } {
  if (facts.unknownRequestId) {
    return {
      reason: `Its request ${facts.unknownRequestId} is not known to this portal.`,
    };
  }
  if (facts.claimedRequestId) return { reason: unprovenClaim(facts) };
  return { reason: otherwise };
}

/** Whether a certificate can be revoked from the portal, or why not. */
export function revocationCheck(
  facts: LifecycleFacts,
): { request: CertificateRequest } | { reason: string } {
  const r = facts.request;
  if (!r) {
    return notFromPortal(
      facts,
      'It was not issued through the portal: revoke it with the CA that issued it.',
    );
  }
  if (r.revokedAt) {
    return { reason: `It was already revoked (${r.revokedAt}).` };
  }
  if (r.state !== 'issued' || !r.serialNumber) {
    return { reason: `Its request ${r.id} is ${r.state}, not issued.` };
  }
  if (!facts.issuerCanRevoke) {
    return {
      reason: `Its issuer ${r.issuer} cannot revoke certificates from the portal.`,
    };
  }
  return { request: r };
}

/** Renew and revoke for one certificate, before permissions. */
export function certificateActions(facts: LifecycleFacts): CertificateActions {
  const renew = renewalRoute(facts);
  const revoke = revocationCheck(facts);
  return {
    renew:
      'route' in renew
        ? { allowed: true }
        : { allowed: false, reason: renew.reason },
    revoke:
      'request' in revoke
        ? { allowed: true }
        : { allowed: false, reason: revoke.reason },
  };
}

/**
 * The verdict on a renewal (the same names as the request it renews): when
 * the policy still allows it, it needs no new approval (DESIGN "Lifecycle"),
 * even where a new request would wait for one.
 */
export function renewalVerdict(result: ValidationResult): ValidationResult {
  return result.ok && !result.autoApprove
    ? { ...result, autoApprove: true, pendingReason: undefined }
    : result;
}

/** By default a portal certificate is renewed after two thirds of its lifetime. */
export const DEFAULT_RENEWAL_FRACTION = 2 / 3;

/**
 * Whether a certificate issued for `validityDays` and expiring at `notAfter`
 * is due for automatic renewal at `now`: once `fraction` of its lifetime has
 * passed (its lifetime is counted back from notAfter).
 */
export function renewalDue(options: {
  notAfter: string;
  validityDays: number;
  now: Date;
  fraction?: number;
}): boolean {
  const end = Date.parse(options.notAfter);
  if (!Number.isFinite(end) || !(options.validityDays > 0)) return false;
  const fraction = options.fraction ?? DEFAULT_RENEWAL_FRACTION;
  const lifetime = options.validityDays * 24 * 3600e3;
  return options.now.getTime() >= end - (1 - fraction) * lifetime;
}
