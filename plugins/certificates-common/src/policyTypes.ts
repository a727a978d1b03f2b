import { DeliveryKind, KeyAlgorithmChoice } from './types';

/** Which entities (and deliveries) a policy applies to; every given field must match. */
export interface PolicySelector {
  kind?: string[];
  type?: string[];
  /**
   * Owner refs, e.g. group:default/team-a, compared as full refs (the
   * entity's spec.owner is read in the entity's namespace); a bare name
   * means group:default/<name>.
   */
  owner?: string[];
  /** System refs, compared as full refs; a bare name means system:default/<name>. */
  system?: string[];
  /** Kubernetes namespaces of delivery. */
  namespace?: string[];
}

/** One certificate policy from config (certificates.policies[]). */
export interface CertificatePolicy {
  name: string;
  description?: string;
  selector?: PolicySelector;
  /**
   * Allowed DNS name patterns. `*` in a pattern matches one label;
   * templates {{entity.name}}, {{entity.namespace}}, {{kubernetes.namespace}}.
   */
  allowedDnsNames: string[];
  /** Whether wildcard certificates may be requested (one leftmost label only). */
  allowWildcards?: boolean;
  /** SAN types beyond DNS: ip, uri, email. DNS is always allowed. */
  allowedSanTypes?: Array<'dns' | 'ip' | 'uri' | 'email'>;
  keyAlgorithms?: KeyAlgorithmChoice[];
  /** Maximum validity in days (default 90). */
  maxValidityDays?: number;
  /** Issuer ids (default: all configured). */
  allowedIssuers?: string[];
  deliveries?: DeliveryKind[];
  allowedClusters?: string[];
  /** Namespaces; templates allowed as for DNS names. */
  allowedNamespaces?: string[];
  /** true, false, or conditions that must all hold. */
  autoApprove?:
    | boolean
    | {
        maxValidityDays?: number;
        issuers?: string[];
        deliveries?: DeliveryKind[];
      };
  approvals?: {
    required?: number;
    /** Group refs whose members may approve. */
    approvers?: string[];
  };
  /**
   * Issuers from which a CA certificate (isCA, cert sign / crl sign usages,
   * name constraints) may be approved under this policy. Default none: such
   * a request cannot be approved, only denied.
   */
  caIssuers?: string[];
  /**
   * Service principals (automation: CI jobs with an external access token)
   * that may request under this policy. Without it no service may.
   */
  automation?: {
    /** Service subjects, e.g. external:ci-bot. */
    allowedServices: string[];
    /** Apply autoApprove to their requests too. Default false: people approve. */
    autoApprove?: boolean;
  };
}

/** Thresholds for health status. */
export interface HealthThresholds {
  warningDays: number;
  criticalDays: number;
  /** Max validity for the validity-too-long finding (default 398). */
  maxValidityDays: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  warningDays: 30,
  criticalDays: 7,
  maxValidityDays: 398,
};
