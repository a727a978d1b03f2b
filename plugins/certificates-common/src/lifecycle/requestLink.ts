import { DeliveryKind } from '../types';

/** A certificate as found: where, and which one (its leaf's fingerprint). */
export interface FoundCertificate {
  /** Absent where the certificate is in no cluster (issued to a CSR). */
  cluster?: string;
  namespace: string;
  secretName: string;
  /** SHA-256 of the leaf's DER, hex. */
  fingerprintSha256?: string;
}

/** What a portal request issued, and where it delivered it. */
export interface RequestIssue {
  requestId: string;
  delivery: {
    kind: DeliveryKind;
    cluster?: string;
    namespace?: string;
    secretName?: string;
  };
  /** SHA-256 of the DER of the leaf the issuer returned for the request, hex. */
  leafFingerprintSha256?: string;
}

export type RequestLinkVerdict =
  | { linked: true }
  | { linked: false; reason: string };

const sameFingerprint = (a?: string, b?: string) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * Whether a found certificate is the one a portal request issued: only then
 * is it that request's certificate (renewed and revoked as the request's).
 * The proof is the certificate itself: its fingerprint equals the leaf the
 * issuer returned for the request. A copy of it elsewhere proves nothing
 * for a Secret delivery: the Secret must be the request's target. A CSR's
 * certificate goes wherever its requester deploys it.
 */
export function requestLinkVerdict(
  found: FoundCertificate,
  issue: RequestIssue,
): RequestLinkVerdict {
  if (!sameFingerprint(found.fingerprintSha256, issue.leafFingerprintSha256)) {
    return {
      linked: false,
      reason: `It is not the certificate request ${issue.requestId} issued.`,
    };
  }
  const { delivery } = issue;
  if (delivery.kind === 'csr') return { linked: true };
  if (
    delivery.cluster !== found.cluster ||
    delivery.namespace !== found.namespace ||
    delivery.secretName !== found.secretName
  ) {
    return {
      linked: false,
      reason: `It is a copy: request ${issue.requestId} delivered its certificate to Secret ${delivery.namespace}/${delivery.secretName} in cluster ${delivery.cluster}.`,
    };
  }
  return { linked: true };
}
