import { DEFAULT_HEALTH_THRESHOLDS, HealthThresholds } from '../policyTypes';
import {
  CertificateLocation,
  CertificateStatus,
  Finding,
  ParsedCertificate,
} from '../types';
import { TLS_ENDPOINTS_ANNOTATION } from '../endpoints/endpointTargets';
import {
  commonNameOf,
  hasSubjectAltNames,
  isWeakSignatureAlgorithm,
  weakKeyReason,
} from '../certificates/keyStrength';
import { unsupportedAlgorithmReason } from '../certificates/algorithmSupport';
import { ChainTrust, chainTrustAt } from './pathRules';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the health rules need besides the certificate itself. */
export interface HealthContext {
  /** The instant to judge at; never read from the clock inside the rules. */
  now: Date | string;
  thresholds?: Partial<HealthThresholds>;
  /**
   * Whether the chain builds to one of the approved roots. Undefined when no
   * trust anchors are known (then untrusted-chain is not reported).
   */
  chainTrusted?: boolean;
  /**
   * The chain's paths to an approved root, judged at `now` (an
   * intermediate expires too); takes precedence over chainTrusted.
   */
  chainTrust?: ChainTrust;
  /**
   * Approved issuers, as issuer distinguished names or issuer common names.
   * Empty or undefined: every issuer is accepted.
   */
  approvedIssuers?: string[];
  /** Whether tls.key matches the certificate; undefined when there is no key. */
  keyMatches?: boolean;
  /** Whether an owner was resolved for the certificate. */
  owned: boolean;
  /**
   * Where the certificate was found (default a cluster's Secret): the
   * remedy for an unowned one depends on it.
   */
  location?: CertificateLocation;
}

export interface HealthVerdict {
  status: CertificateStatus;
  findings: Finding[];
}

function toMillis(value: Date | string): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

/** Health status: the first matching rule wins. */
export function computeStatus(
  cert: Pick<ParsedCertificate, 'notBefore' | 'notAfter'> | undefined,
  now: Date | string,
  thresholds: Partial<HealthThresholds> = {},
): CertificateStatus {
  if (!cert) {
    return 'unparseable';
  }
  const t = { ...DEFAULT_HEALTH_THRESHOLDS, ...thresholds };
  const nowMs = toMillis(now);
  const notAfter = Date.parse(cert.notAfter);
  const notBefore = Date.parse(cert.notBefore);
  if (Number.isNaN(notAfter) || Number.isNaN(notBefore)) {
    return 'unparseable';
  }
  if (notAfter <= nowMs) {
    return 'expired';
  }
  if (notBefore > nowMs) {
    return 'not-yet-valid';
  }
  const left = notAfter - nowMs;
  if (left <= t.criticalDays * DAY_MS) {
    return 'critical';
  }
  if (left <= t.warningDays * DAY_MS) {
    return 'expiring';
  }
  return 'valid';
}

function issuerApproved(issuer: string, approved: string[]): boolean {
  const cn = commonNameOf(issuer);
  return approved.some(a => a === issuer || (cn !== undefined && a === cn));
}

/**
 * Status and findings of one certificate, per the product's health rules.
 * `cert` is undefined when the Secret's data could not be parsed.
 */
export function computeHealth(
  cert: ParsedCertificate | undefined,
  ctx: HealthContext,
): HealthVerdict {
  const t = { ...DEFAULT_HEALTH_THRESHOLDS, ...ctx.thresholds };
  const status = computeStatus(cert, ctx.now, t);
  const findings: Finding[] = [];

  if (cert) {
    const weak = weakKeyReason(cert);
    if (weak) {
      findings.push({
        kind: 'weak-key',
        message: `The certificate uses a weak ${weak}.`,
        remedy:
          'Reissue it with an ECDSA P-256/P-384 key or an RSA key of at least 2048 bits.',
      });
    }
    if (isWeakSignatureAlgorithm(cert.signatureAlgorithm)) {
      findings.push({
        kind: 'weak-signature',
        message: `The certificate is signed with ${cert.signatureAlgorithm}, which is broken.`,
        remedy: 'Reissue it from a CA that signs with SHA-256 or stronger.',
      });
    }
    if (cert.selfSigned) {
      findings.push({
        kind: 'self-signed',
        message:
          cert.selfSignedBy === 'names-and-key-id'
            ? 'The certificate is self-signed (its issuer is its own subject and its key identifiers match; the signature could not be checked): clients cannot verify it.'
            : 'The certificate is self-signed: clients cannot verify it.',
        remedy: 'Request a certificate from an approved issuer instead.',
      });
    }
    const trust: { trusted?: boolean; reason?: string } = ctx.chainTrust
      ? chainTrustAt(ctx.chainTrust, ctx.now)
      : { trusted: ctx.chainTrusted };
    if (trust.trusted === false) {
      findings.push({
        kind: 'untrusted-chain',
        message: trust.reason
          ? `The chain is not trusted: ${trust.reason}.`
          : 'The chain does not build to any approved root.',
        remedy:
          'Reissue the certificate from an approved issuer, or include the missing intermediates in tls.crt.',
      });
    }
    if (
      ctx.approvedIssuers &&
      ctx.approvedIssuers.length > 0 &&
      !issuerApproved(cert.issuer, ctx.approvedIssuers)
    ) {
      findings.push({
        kind: 'unapproved-issuer',
        message: `The issuer ${cert.issuer} is not an approved issuer.`,
        remedy: 'Reissue the certificate from one of the approved issuers.',
      });
    }
    const lifetimeDays =
      (Date.parse(cert.notAfter) - Date.parse(cert.notBefore)) / DAY_MS;
    if (lifetimeDays > t.maxValidityDays) {
      findings.push({
        kind: 'validity-too-long',
        message: `The certificate is valid for ${Math.round(
          lifetimeDays,
        )} days, more than the maximum of ${t.maxValidityDays}.`,
        remedy: `Reissue it with a validity of at most ${t.maxValidityDays} days and renew it automatically.`,
      });
    }
    const unsupported = unsupportedAlgorithmReason(cert);
    if (unsupported) {
      findings.push({
        kind: 'unsupported-algorithm',
        message: `TLS clients do not support ${unsupported}; the certificate was read but will not be accepted.`,
        remedy:
          'Reissue it with an ECDSA P-256/P-384 or RSA key, signed with SHA-256 or stronger.',
      });
    }
    if (!hasSubjectAltNames(cert)) {
      findings.push({
        kind: 'no-san',
        message:
          'The certificate has no subject alternative names; clients ignore the common name.',
        remedy: 'Reissue it with the host names as DNS SANs.',
      });
    }
  }
  if (ctx.keyMatches === false) {
    findings.push({
      kind: 'key-mismatch',
      message:
        'The private key in tls.key does not belong to the certificate in tls.crt.',
      remedy:
        'Write the matching key and certificate into the Secret together, or reissue both.',
    });
  }
  if (!ctx.owned) {
    findings.push({
      kind: 'unowned',
      message: 'No catalog entity owns this certificate.',
      remedy:
        ctx.location === 'endpoint'
          ? `Declare the endpoint in the ${TLS_ENDPOINTS_ANNOTATION} annotation of the entity that serves it, or label the Secret behind its Ingress or Gateway with backstage.io/kubernetes-id.`
          : 'Label the Secret with backstage.io/kubernetes-id of the entity that uses it.',
    });
  }
  if (cert?.isCA) {
    findings.push({
      kind: 'is-ca',
      message: 'A CA certificate is used as a server certificate.',
      remedy:
        'Issue a leaf certificate (CA:FALSE) for the server and keep CA keys out of clusters.',
    });
  }
  return { status, findings };
}
