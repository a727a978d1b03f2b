import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the certificates plugin. */
  certificates?: {
    /** The built-in CA, created on first start and kept in the database. */
    builtinCa?: {
      /**
       * Secret (at least 32 characters; random, e.g. `openssl rand -base64
       * 32`) from which the AES-256-GCM key that encrypts the CA private keys
       * at rest is derived (HKDF-SHA256). Required when NODE_ENV is
       * `production`, when the plugin database is not SQLite, or with
       * `requireEncryptionKey: true`: the backend then refuses to start
       * without it. Otherwise (SQLite in development) a development key is
       * generated in the data folder with a warning.
       * @visibility secret
       */
      encryptionKey?: string;
      /**
       * Keys used before `encryptionKey` (rotation): CA keys stored with one
       * of them are still read, and are encrypted again with `encryptionKey`
       * at start. Remove an old key once every instance has started with
       * the new one.
       * @visibility secret
       */
      previousEncryptionKeys?: string[];
      /**
       * Refuse to start without `encryptionKey` even in development with
       * SQLite (it is always required with NODE_ENV=production or a
       * database other than SQLite). Default false.
       */
      requireEncryptionKey?: boolean;
      /** Organisation named in the CA certificates' subjects. Default "Certificates Portal". */
      organization?: string;
    };
    /** The approved roots of trust. */
    trust?: {
      /** PEM certificates of the approved roots, in addition to the built-in root. */
      approvedRoots?: string[];
      /** Whether the built-in CA's root is an approved root. Default true. */
      includeBuiltinRoot?: boolean;
      /**
       * Accept CA certificates that are not self-signed (intermediates) as
       * approved roots in a root change. Default false.
       */
      allowIntermediates?: boolean;
      /** Who approves adding or removing a root in the portal. */
      approvals?: {
        /** Distinct approvals a root change needs. Default 1. */
        required?: number;
        /** Groups (entity refs) whose members may approve root changes. */
        approvers?: string[];
      };
      /**
       * Where the bundle of approved roots is kept: a ConfigMap (keys
       * `ca.crt` and `bundle.pem`) in each namespace, and a trust-manager
       * `Bundle` where trust.cert-manager.io is installed.
       */
      distribution?: Array<{
        /** Cluster name, as in `certificates.clusters`. */
        cluster: string;
        /** Namespaces that receive the ConfigMap. */
        namespaces: string[];
        /** Name of the ConfigMap (and Bundle). Default kubecerts-trust-bundle. */
        configMapName?: string;
      }>;
      /**
       * How often the distribution is checked and repaired. Default 5 minutes.
       */
      syncInterval?: HumanDuration | string;
    };
    /**
     * Kubernetes clusters to discover certificates in (and deliver to). Same
     * shape as `kubernetes.clusterLocatorMethods[].clusters`. When absent,
     * the Kubernetes plugin's `kubernetes.clusterLocatorMethods` are read;
     * else, in a pod, its own cluster (`in-cluster`) through the service
     * account; else, in development, the contexts of the user's kubeconfig.
     */
    clusters?: Array<{
      /** Unique name of the cluster, shown in the inventory. */
      name: string;
      /** Display title, as in the Kubernetes plugin's cluster entries. */
      title?: string;
      /** oidc: the auth provider whose token reads the cluster on a user's behalf. */
      oidcTokenProvider?: string;
      /** URL of the API server; not needed with kubeconfigContext. */
      url?: string;
      /**
       * Base64 PEM of the API server's CA.
       * @visibility secret
       */
      caData?: string;
      /** Path of a file holding the API server's CA. */
      caFile?: string;
      /** Skip verification of the API server's certificate (never in production). */
      skipTLSVerify?: boolean;
      /**
       * How to authenticate, with the Kubernetes plugin's names:
       * serviceAccount (default: serviceAccountToken, else the pod's mounted
       * token), aws, google, googleServiceAccount, azure, localKubectlProxy;
       * or kubeconfig (with kubeconfigContext).
       */
      authProvider?:
        | 'serviceAccount'
        | 'kubeconfig'
        | 'aws'
        | 'google'
        | 'googleServiceAccount'
        | 'azure'
        | 'localKubectlProxy';
      /** aws: role to assume before signing the token. */
      assumeRole?: string;
      /**
       * aws: external id required by the role's trust policy.
       * @visibility secret
       */
      externalId?: string;
      /**
       * Provider settings under the Kubernetes plugin's keys, e.g.
       * `kubernetes.io/x-k8s-aws-id`.
       * @visibility secret
       */
      authMetadata?: { [key: string]: string };
      /**
       * Bearer token of the service account discovery uses (read Secrets,
       * Ingresses, Gateways, cert-manager resources).
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Use this context of the kubeconfig (KUBECONFIG or ~/.kube/config). */
      kubeconfigContext?: string;
    }>;
    /** How clusters are listed and watched. */
    discovery?: {
      /** Namespaces to look at; `*` at the end matches a prefix. */
      namespaces?: {
        /** Only these namespaces (default all). */
        include?: string[];
        /** Never these namespaces. */
        exclude?: string[];
      };
      /** Full relist of every cluster as a safety net, e.g. { minutes: 30 } or PT30M. Default 30 minutes. */
      resyncInterval?: HumanDuration | string;
      /** How often owners are reloaded from the catalog, e.g. { minutes: 5 } or PT5M. Default 5 minutes. */
      catalogRefreshInterval?: HumanDuration | string;
      /**
       * How fresh full lists keep a live certificate's "last seen" time, e.g.
       * { hours: 6 } or PT6H. A list rewrites the time of rows it found
       * unchanged only when it is older than this (a change or a watch event
       * writes it at once); the cluster's last sync says when it was last
       * listed. Lower costs a database write per certificate per resync.
       * Default 6 hours.
       */
      lastSeenResolution?: HumanDuration | string;
      /**
       * How long the changes discovery records for each certificate (first
       * seen, changed, owner changed, gone, returned) are kept, e.g.
       * { days: 400 } or P400D. Older records are deleted once a day; the
       * certificate itself and its first-seen time stay. The audit trail of
       * actions is not affected. Default: kept forever.
       */
      historyRetention?: HumanDuration | string;
      /** Items per list page (at most 500). Default 500. */
      pageSize?: number;
      /**
       * On PostgreSQL, write the inventory with named statements, prepared
       * once per connection (at 100,000 Secrets they cut the server's CPU
       * for a first scan by a third). Set false behind a connection pooler that
       * cannot keep prepared statements: PgBouncer in transaction mode
       * before 1.21, or without `max_prepared_statements`. Default true.
       */
      preparedStatements?: boolean;
      /**
       * Replicas on one database share the clusters: each cluster is watched
       * by the one replica holding its lease; another takes it over when the
       * lease runs out (the holder died).
       */
      lease?: {
        /** How long a lease lasts unless renewed. Default 15 seconds. */
        duration?: HumanDuration | string;
        /** How often a replica renews its leases and looks for free clusters. Default 5 seconds. */
        renewInterval?: HumanDuration | string;
      };
    };
    /** Health thresholds and compliance rules of discovered certificates. */
    health?: {
      /** Days before expiry a certificate is `expiring`. Default 30. */
      warningDays?: number;
      /** Days before expiry a certificate is `critical`. Default 7. */
      criticalDays?: number;
      /** Longer validity than this (days) is the finding validity-too-long. Default 398. */
      maxValidityDays?: number;
      /** Approved issuers (issuer DN or CN); others get unapproved-issuer. Default: no check. */
      approvedIssuers?: string[];
    };
    /** Ownership of certificates that no entity claims by label. */
    ownership?: {
      /** Namespace → owner group mappings, tried after labels and label selectors. */
      namespaceMappings?: Array<{
        /** Namespace name; `*` at the end matches a prefix. */
        namespace: string;
        /** Only in this cluster. */
        cluster?: string;
        /** Owner group ref, e.g. group:default/team-a. */
        owner: string;
        /** Optional entity the namespace belongs to. */
        entityRef?: string;
      }>;
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
        /**
         * Owner refs, e.g. group:default/team-a, compared as full refs with
         * the entity's spec.owner (read in the entity's namespace). A bare
         * name means group:default/<name>.
         */
        owner?: string[];
        /**
         * System refs, e.g. system:default/shop, compared as full refs. A
         * bare name means system:default/<name>: it never selects a system
         * of that name in another namespace.
         */
        system?: string[];
        /** Kubernetes namespaces of delivery. */
        namespace?: string[];
      };
      /**
       * Allowed DNS name patterns; `*` matches exactly one label; templates
       * {{entity.name}}, {{entity.namespace}}, {{kubernetes.namespace}}. A
       * template's value is literal and must be a single DNS label (an
       * entity whose value is not, e.g. an annotation `*` or `a.b`, gets no
       * name from that pattern, and the refusal says why).
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
      /**
       * Namespaces deliveries may go to (templates allowed, their values
       * literal namespace names as for allowedDnsNames). Default
       * {{kubernetes.namespace}}.
       */
      allowedNamespaces?: string[];
      /**
       * true, false (default), or conditions that must all hold to
       * auto-approve. Only requests of the entity's owners (the requester or
       * one of their groups is its spec.owner) are ever approved
       * automatically; anyone else's wait for approvers.
       */
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
      /**
       * Issuer ids from which a CA certificate (isCA, cert sign / crl sign
       * usages, name constraints) may be approved under this policy. Default
       * none: such a request can only be denied.
       */
      caIssuers?: string[];
      /**
       * Service principals (e.g. a CI job with a backend.auth.externalAccess
       * token) that may request certificates under this policy. Without it
       * no service may; a service owns nothing, so its requests wait for
       * approvers unless autoApprove below is true.
       */
      automation?: {
        /** Service subjects, compared exactly, e.g. external:ci-bot. */
        allowedServices: string[];
        /** Apply the policy's autoApprove to these services' requests too. Default false. */
        autoApprove?: boolean;
      };
    }>;
    /** Limits on certificate requests. */
    requests?: {
      /**
       * Open requests (pending, approved or issuing) one user may have; a
       * request beyond it is refused with HTTP 429 and nothing is stored.
       * Automatic renewals, and auto-approved CSR requests (issued at once,
       * never waiting), are not counted against it. Default 20.
       */
      maxOpenPerUser?: number;
    };
    /** Approvals beyond the portal's own requests. */
    approvals?: {
      /**
       * Pending cert-manager CertificateRequests (neither Approved nor Denied)
       * in the configured clusters, shown in the approvers' queue.
       */
      inCluster?: {
        /** Whether to list and decide in-cluster requests. Default false. */
        enabled?: boolean;
        /** Group refs whose members may decide them. No groups: nobody may. */
        approvers?: string[];
        /**
         * Issuers, as the queue names them (ClusterIssuer/<name> or
         * Issuer/<namespace>.<name>), whose CA certificate requests (isCA,
         * cert sign / crl sign usages, or a CSR asking for CA:TRUE or name
         * constraints) may be approved. Default none: such requests, and
         * ones whose CSR cannot be read, can only be denied.
         */
        caIssuers?: string[];
      };
      /** How often new pending requests are announced to approvers, e.g. { seconds: 30 } or PT30S. Default 30 seconds. */
      notifyFrequency?: HumanDuration | string;
      /**
       * How long the approval that completes a request waits for its
       * certificate before answering (the request is then still issuing,
       * and the requester is notified when it is issued). An ACME order can
       * take minutes; a built-in CA signs at once. Default 10 seconds.
       */
      issuanceWait?: HumanDuration | string;
    };
    /** How often approved and in-flight requests are resumed and followed. */
    issuance?: {
      /** Interval of the issuance task, e.g. { seconds: 30 } or PT30S. Default 30 seconds. */
      frequency?: HumanDuration | string;
      /** Longest one run may take, e.g. { minutes: 5 } or PT5M. Default 5 minutes. */
      timeout?: HumanDuration | string;
      /**
       * How long a replica holds a request it is issuing without renewing it
       * (it renews at a third of this while it works). When a replica dies
       * mid-issuance, another resumes the request after this. Default 1 minute.
       */
      lease?: HumanDuration | string;
    };
    /**
     * Renewal of certificates issued through the portal. Owners can renew on
     * demand; this is the automatic renewal before expiry.
     */
    renewal?: {
      /** Whether to renew automatically. Default true. */
      automatic?: boolean;
      /**
       * Share of a certificate's lifetime after which it is renewed, between
       * 0 and 1. Default 0.6667 (two thirds).
       */
      fraction?: number;
      /** Interval of the check, e.g. { hours: 1 } or PT1H. Default every hour. */
      frequency?: HumanDuration | string;
    };
    /**
     * Scanning of TLS endpoints (Ingress and Gateway hosts, the
     * `kubecerts.dev/tls-endpoints` annotation, API entities' https servers):
     * each served chain becomes an inventory row of location `endpoint`.
     */
    endpoints?: {
      /** Whether to scan. Default true. */
      enabled?: boolean;
      /** Interval between scan rounds, e.g. { minutes: 15 } or PT15M. Default 15 minutes. */
      frequency?: HumanDuration | string;
      /** Longest a round may run. Default 10 minutes. */
      timeout?: HumanDuration | string;
      /** Connect plus TLS handshake, per endpoint, in milliseconds. Default 5000. */
      handshakeTimeoutMs?: number;
      /** Handshakes in flight at once. Default 32. */
      concurrency?: number;
      /** Endpoints taken from one entity at most. Default 20. */
      maxPerEntity?: number;
      /**
       * Whether hosts may resolve to private addresses (RFC 1918, 100.64/10,
       * fc00::/7), where cluster services live. Default true. Link-local
       * addresses (cloud metadata) are never scanned.
       */
      allowPrivateNetworks?: boolean;
      /** Whether hosts may resolve to loopback addresses (local demos only). Default false. */
      allowLoopback?: boolean;
    };
    /** Notifications to owners, through the Backstage notifications plugin. */
    notifications?: {
      /**
       * Expiry notices: the owners of each live, owned certificate are told
       * once per threshold (the most urgent one reached) and once when it has
       * expired; a renewed certificate starts over.
       */
      expiry?: {
        /** Whether to send expiry notices. Default true. */
        enabled?: boolean;
        /** Days before expiry to notify at, whole days > 0. Default [30, 14, 7, 1]. */
        thresholdsDays?: number[];
        /** Interval of the check, e.g. { hours: 1 } or PT1H. Default every hour. */
        frequency?: HumanDuration | string;
        /** Longest a check may run, e.g. { minutes: 15 } or PT15M. Default 15 minutes. */
        timeout?: HumanDuration | string;
      };
    };
  };
}
