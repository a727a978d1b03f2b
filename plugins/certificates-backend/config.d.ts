export interface Config {
  /** Configuration of the certificates plugin. */
  certificates?: {
    /** The built-in CA, created on first start and kept in the database. */
    builtinCa?: {
      /**
       * Secret (at least 32 characters) from which the AES-256-GCM key that
       * encrypts the CA private keys at rest is derived. When unset, a
       * development key is generated in the data folder with a warning.
       * @visibility secret
       */
      encryptionKey?: string;
      /** Organisation named in the CA certificates' subjects. Default "Certificates Portal". */
      organization?: string;
    };
    /** The approved roots of trust. */
    trust?: {
      /** PEM certificates of the approved roots, in addition to the built-in root. */
      approvedRoots?: string[];
      /** Whether the built-in CA's root is an approved root. Default true. */
      includeBuiltinRoot?: boolean;
    };
    /** cert-manager Issuers and ClusterIssuers that requests may use. */
    certManagerIssuers?: Array<{
      /** Issuer id used in requests and policies, unique across issuers. */
      id: string;
      /** Name of the configured cluster the issuer lives in. */
      cluster: string;
      /** Name of the Issuer or ClusterIssuer resource. */
      name: string;
      /** Issuer (namespaced, in the delivery namespace) or ClusterIssuer. Default ClusterIssuer. */
      kind?: 'Issuer' | 'ClusterIssuer';
      /** Name shown in the request form. */
      displayName?: string;
    }>;
    /**
     * Certificate policies; the first whose selector matches the entity (and
     * delivery namespace) applies. A request no policy applies to is denied.
     */
    policies?: Array<{
      /** Unique name, shown with every verdict. */
      name: string;
      /** What the policy is for. */
      description?: string;
      /** Which entities it applies to; every given field must match. */
      selector?: {
        /** Entity kinds, e.g. Component. */
        kind?: string[];
        /** spec.type values, e.g. service. */
        type?: string[];
        /** Owner refs, e.g. group:default/team-a. */
        owner?: string[];
        /** System refs or names. */
        system?: string[];
        /** Kubernetes namespaces of delivery. */
        namespace?: string[];
      };
      /**
       * Allowed DNS name patterns; `*` matches exactly one label; templates
       * {{entity.name}}, {{entity.namespace}}, {{kubernetes.namespace}}.
       */
      allowedDnsNames: string[];
      /** Whether a wildcard (one leftmost label) may be requested. Default false. */
      allowWildcards?: boolean;
      /** SAN types beyond DNS that may be requested: ip, uri, email. */
      allowedSanTypes?: Array<'dns' | 'ip' | 'uri' | 'email'>;
      /** Allowed key algorithms. Default ECDSA-P256, ECDSA-P384, RSA-2048/3072/4096. */
      keyAlgorithms?: Array<
        'ECDSA-P256' | 'ECDSA-P384' | 'RSA-2048' | 'RSA-3072' | 'RSA-4096'
      >;
      /** Maximum validity in days. Default 90. */
      maxValidityDays?: number;
      /** Issuer ids that may be used. Default all. */
      allowedIssuers?: string[];
      /** Delivery kinds allowed. Default all. */
      deliveries?: Array<'csr' | 'secret' | 'cert-manager'>;
      /** Clusters deliveries may go to. Default all configured. */
      allowedClusters?: string[];
      /** Namespaces deliveries may go to (templates allowed). Default {{kubernetes.namespace}}. */
      allowedNamespaces?: string[];
      /** true, false (default), or conditions that must all hold to auto-approve. */
      autoApprove?:
        | boolean
        | {
            /** Only up to this validity. */
            maxValidityDays?: number;
            /** Only from these issuers. */
            issuers?: string[];
            /** Only these delivery kinds. */
            deliveries?: Array<'csr' | 'secret' | 'cert-manager'>;
          };
      /** Who approves what the policy does not auto-approve. */
      approvals?: {
        /** Number of distinct approvals needed. Default 1. */
        required?: number;
        /** Group refs whose members may approve. */
        approvers?: string[];
      };
    }>;
    /** How often approved and in-flight requests are resumed and followed. */
    issuance?: {
      /** Interval of the issuance task, e.g. { seconds: 30 }. Default 30 seconds. */
      frequency?: { seconds?: number; minutes?: number };
    };
  };
}
