import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import {
  durationToMilliseconds,
  HumanDuration,
  JsonValue,
} from '@backstage/types';
import {
  certificatePoliciesSchema,
  CertificatePolicy,
  DEFAULT_RENEWAL_FRACTION,
  HealthThresholds,
  NamespaceMapping,
  normalizeExpiryThresholds,
} from '@kubecerts/backstage-plugin-certificates-common';
import { z } from 'zod';
import { DEFAULT_MAX_OPEN_PER_USER } from './requests';

/*
 * The one reader of `certificates.*`. Everything is read and checked once at
 * start, so a typo or a wrong type stops the backend with the path of the
 * key instead of surfacing as odd behaviour hours later. Services receive
 * their slice of the result and never see `Config`.
 */

/** A Backstage duration object ({ minutes: 5 }), an ISO 8601 string (PT5M) or a ms-style string (5m). */
const duration = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value, ctx): HumanDuration => {
    try {
      return readDurationFromConfig(
        new ConfigReader({ value: value as JsonValue }),
        {
          key: 'value',
        },
      );
    } catch (error) {
      const cause = String((error as Error).message ?? error)
        .replace(
          /^Failed to read duration from config( at 'value')?, (Error: )?/,
          '',
        )
        .replace(/ in config at 'value'/g, '')
        .replace(/ at 'value'/g, '');
      ctx.addIssue({
        code: 'custom',
        message: `${cause} (use e.g. { minutes: 5 } or PT5M)`,
      });
      return z.NEVER;
    }
  });

const strings = z.array(z.string());
const wholeNumber = 'must be a whole number of at least 1';
const positiveWholeNumber = z.number().int(wholeNumber).min(1, wholeNumber);

const namespaceMapping = z.strictObject({
  namespace: z.string().min(1),
  cluster: z.string().optional(),
  owner: z.string().min(1),
  entityRef: z.string().optional(),
});

// Loose: the entries share their shape with the Kubernetes plugin's
// clusters, whose extra keys (dashboardUrl, ...) are not ours to refuse.
const cluster = z.looseObject({
  name: z.string().min(1),
  url: z.string().optional(),
  title: z.string().optional(),
  authProvider: z.string().optional(),
  serviceAccountToken: z.string().optional(),
  caData: z.string().optional(),
  caFile: z.string().optional(),
  skipTLSVerify: z.boolean().optional(),
  assumeRole: z.string().optional(),
  externalId: z.string().optional(),
  oidcTokenProvider: z.string().optional(),
  // Kept raw: its keys contain dots (`kubernetes.io/x-k8s-aws-id`).
  authMetadata: z.record(z.string(), z.string()).optional(),
  kubeconfigContext: z.string().optional(),
});

const certificatesSchema = z.looseObject({
  builtinCa: z
    .strictObject({
      encryptionKey: z.string().optional(),
      previousEncryptionKeys: strings.default([]),
      requireEncryptionKey: z.boolean().default(false),
      organization: z.string().min(1).default('Certificates Portal'),
    })
    .prefault({}),
  trust: z
    .strictObject({
      approvedRoots: strings.default([]),
      includeBuiltinRoot: z.boolean().default(true),
      allowIntermediates: z.boolean().default(false),
      approvals: z
        .strictObject({
          required: positiveWholeNumber.default(1),
          approvers: strings.default([]),
        })
        .prefault({}),
      distribution: z
        .array(
          z.strictObject({
            cluster: z.string().min(1),
            namespaces: z.array(z.string().min(1)).min(1),
            configMapName: z.string().min(1).default('kubecerts-trust-bundle'),
          }),
        )
        .default([]),
      syncInterval: duration.default({ minutes: 5 }),
    })
    .prefault({}),
  clusters: z.array(cluster).default([]),
  discovery: z
    .strictObject({
      namespaces: z
        .strictObject({
          include: strings.optional(),
          exclude: strings.optional(),
        })
        .default({}),
      resyncInterval: duration.default({ minutes: 30 }),
      catalogRefreshInterval: duration.default({ minutes: 5 }),
      lastSeenResolution: duration.default({ hours: 6 }),
      historyRetention: duration.optional(),
      pageSize: positiveWholeNumber.optional(),
      preparedStatements: z.boolean().default(true),
      lease: z
        .strictObject({
          duration: duration.default({ seconds: 15 }),
          renewInterval: duration.default({ seconds: 5 }),
        })
        // A holder must renew at least twice per lease, or a slow round
        // lets its lease lapse while it still watches.
        .refine(
          l =>
            2 * durationToMilliseconds(l.renewInterval) <=
            durationToMilliseconds(l.duration),
          { message: 'renewInterval must be at most half of duration' },
        )
        .prefault({}),
    })
    .prefault({}),
  health: z
    .strictObject({
      warningDays: z.number().nonnegative().optional(),
      criticalDays: z.number().nonnegative().optional(),
      maxValidityDays: z.number().positive().optional(),
      approvedIssuers: strings.default([]),
    })
    .prefault({}),
  ownership: z
    .strictObject({ namespaceMappings: z.array(namespaceMapping).default([]) })
    .prefault({}),
  certManagerIssuers: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        cluster: z.string().min(1),
        name: z.string().min(1),
        kind: z.enum(['Issuer', 'ClusterIssuer']).default('ClusterIssuer'),
        displayName: z.string().optional(),
      }),
    )
    .default([]),
  policies: certificatePoliciesSchema.default([]),
  requests: z
    .strictObject({
      maxOpenPerUser: positiveWholeNumber.default(DEFAULT_MAX_OPEN_PER_USER),
    })
    .prefault({}),
  approvals: z
    .strictObject({
      inCluster: z
        .strictObject({
          enabled: z.boolean().default(false),
          approvers: strings.default([]),
          caIssuers: strings.default([]),
        })
        .prefault({}),
      notifyFrequency: duration.default({ seconds: 30 }),
      // How long the approval that completes a request waits for the
      // certificate before answering; issuance goes on after that.
      issuanceWait: duration.default({ seconds: 10 }),
    })
    .prefault({}),
  issuance: z
    .strictObject({
      frequency: duration.default({ seconds: 30 }),
      timeout: duration.default({ minutes: 5 }),
      // How long a replica that stopped answering keeps a request it was
      // issuing before another replica resumes it (renewed while it works).
      lease: duration.default({ minutes: 1 }),
    })
    .prefault({}),
  renewal: z
    .strictObject({
      automatic: z.boolean().default(true),
      fraction: z
        .number()
        .gt(0, 'must be between 0 and 1 (exclusive)')
        .lt(1, 'must be between 0 and 1 (exclusive)')
        .default(DEFAULT_RENEWAL_FRACTION),
      frequency: duration.default({ hours: 1 }),
    })
    .prefault({}),
  endpoints: z
    .strictObject({
      enabled: z.boolean().default(true),
      frequency: duration.default({ minutes: 15 }),
      timeout: duration.default({ minutes: 10 }),
      handshakeTimeoutMs: positiveWholeNumber.default(5000),
      concurrency: positiveWholeNumber.default(32),
      maxPerEntity: positiveWholeNumber.default(20),
      allowPrivateNetworks: z.boolean().default(true),
      allowLoopback: z.boolean().default(false),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      expiry: z
        .strictObject({
          enabled: z.boolean().default(true),
          thresholdsDays: z
            .array(z.number())
            .optional()
            .transform((value, ctx) => {
              try {
                return normalizeExpiryThresholds(value);
              } catch (error) {
                ctx.addIssue({
                  code: 'custom',
                  message: String((error as Error).message),
                });
                return z.NEVER;
              }
            }),
          frequency: duration.default({ hours: 1 }),
          timeout: duration.default({ minutes: 15 }),
        })
        .prefault({}),
    })
    .prefault({}),
});

type Parsed = z.output<typeof certificatesSchema>;

/** A configured cluster entry (`certificates.clusters[]`), as clusters/ interprets it. */
export type ClusterSettings = Parsed['clusters'][number];

/** Everything under `certificates.*`, checked, with defaults applied. */
export interface CertificatesSettings {
  builtinCa: Parsed['builtinCa'] & {
    /** `backend.baseUrl`, without a trailing slash: the CRL distribution point. */
    baseUrl: string;
  };
  trust: Parsed['trust'];
  clusters: ClusterSettings[];
  discovery: Parsed['discovery'];
  health: {
    /** Only the configured thresholds; the rest keep the defaults of -common. */
    thresholds: Partial<HealthThresholds>;
    approvedIssuers: string[];
  };
  ownership: { namespaceMappings: NamespaceMapping[] };
  certManagerIssuers: Parsed['certManagerIssuers'];
  policies: CertificatePolicy[];
  requests: Parsed['requests'];
  approvals: Parsed['approvals'];
  issuance: Parsed['issuance'];
  renewal: Parsed['renewal'];
  notifications: Parsed['notifications'];
  endpoints: Parsed['endpoints'];
  app: {
    /** `app.baseUrl` without a trailing slash, for absolute links in notifications; absent keeps them relative. */
    baseUrl?: string;
  };
}

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`,
    'certificates',
  );
}

/**
 * Reads and checks `certificates.*` (and `backend.baseUrl`). Throws one
 * error listing every bad key as `path: problem`.
 */
export function readCertificatesSettings(config: Config): CertificatesSettings {
  const result = certificatesSchema.safeParse(
    config.getOptional('certificates') ?? {},
  );
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const keys =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map(k => pathOf([...issue.path, k])).join(', ')
          : pathOf(issue.path);
      return `${keys}: ${issue.message}`;
    });
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const settings = result.data;
  const { approvedIssuers, ...thresholdKeys } = settings.health;
  const thresholds: Partial<HealthThresholds> = Object.fromEntries(
    Object.entries(thresholdKeys).filter(([, v]) => v !== undefined),
  );
  return {
    ...settings,
    builtinCa: {
      ...settings.builtinCa,
      baseUrl: config.getString('backend.baseUrl').replace(/\/$/, ''),
    },
    health: { thresholds, approvedIssuers },
    app: {
      baseUrl: config.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
    },
  };
}
