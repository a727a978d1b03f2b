import { CertificatePolicy } from '../policyTypes';
import { Approvability, RequestedCertificate } from '../types';

const OID_NAME_CONSTRAINTS = '2.5.29.30';

/**
 * Why a certificate would be a CA certificate (empty when it would not):
 * it says so (isCA / basicConstraints CA:TRUE), may sign certificates or
 * CRLs, or constrains names, which only a CA certificate does.
 */
export function caCertificateReasons(requested: RequestedCertificate): string[] {
  const reasons: string[] = [];
  if (requested.isCA) reasons.push('it is a CA certificate (isCA / basicConstraints CA:TRUE)');
  for (const usage of ['cert sign', 'crl sign']) {
    if (requested.keyUsages.includes(usage)) reasons.push(`its key usages include ${usage}`);
  }
  if (requested.csrExtensions.some(e => e.oid === OID_NAME_CONSTRAINTS)) {
    reasons.push('its CSR asks for name constraints');
  }
  return reasons;
}

export interface ApprovableInput {
  requested: RequestedCertificate;
  /** The issuer as the request names it (portal issuer id, or e.g. ClusterIssuer/corp-ca). */
  issuer: string;
  /** The policy that applies now; CA certificates need its `caIssuers` to name the issuer. */
  policy?: Pick<CertificatePolicy, 'name' | 'caIssuers'>;
}

/**
 * May this request be approved at all, whoever approves? Not when its CSR
 * cannot be read (nobody knows what would be signed), nor when it asks for
 * a CA certificate that no policy allows from its issuer. Denying stays
 * possible. The backend refuses such an approval; the queue disables it
 * with the same reason.
 */
export function approvable(input: ApprovableInput): Approvability {
  const { requested, issuer, policy } = input;
  if (requested.csrError) {
    return {
      approvable: false,
      refusal: 'unreadable-csr',
      reason: `Its CSR cannot be read (${requested.csrError}), so what would be signed is unknown; deny it and have it made again.`,
    };
  }
  const ca = caCertificateReasons(requested);
  if (ca.length && !(policy?.caIssuers ?? []).includes(issuer)) {
    return {
      approvable: false,
      refusal: 'ca-certificate',
      reason: `It asks for a CA certificate (${ca.join('; ')}), and ${
        policy ? `policy ${policy.name}` : 'no policy'
      } allows no CA certificates from ${issuer} (caIssuers).`,
    };
  }
  return { approvable: true };
}
