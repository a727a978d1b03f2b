import {
  computeHealth,
  endpointErrorReason,
  endpointFindings,
  EndpointTarget,
  HealthThresholds,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificateId, parseTlsData, TrustStore } from '../inventory/parsing';
import type { ParsedTlsData } from '../inventory/parsing';
import type { InventoryRow } from '../inventory/store';
import { ScanResult } from './scanEndpoint';

export const ENDPOINT_LOCATION = 'endpoint';

/** An endpoint as a source declared it; descriptive only, it grants nothing. */
export interface DeclaredEndpoint extends EndpointTarget {
  source: 'annotation' | 'api' | 'ingress' | 'gateway';
  /** The declaring entity ref, or cluster/kind/namespace/name. */
  origin: string;
  entityRef?: string;
  ownerRef?: string;
  /** The namespace of the declaring Ingress or Gateway. */
  namespace?: string;
  /** The TLS Secret behind the host: its inventory id and namespace/name. */
  secret?: { id: string; name: string };
}

/** The inventory id of an endpoint's row. */
export function endpointRowId(target: EndpointTarget): string {
  return certificateId(ENDPOINT_LOCATION, '', `${target.host}:${target.port}`);
}

export interface EndpointJudgeContext {
  /** Approved roots and the intermediates the product knows. */
  trust: TrustStore;
  /** The approved roots alone: what a client that fetches nothing has. */
  strictTrust: TrustStore;
  thresholds: Partial<HealthThresholds>;
  approvedIssuers: string[];
  now: Date;
}

const asSecretData = (chainPem: string) => ({
  'tls.crt': Buffer.from(chainPem).toString('base64'),
});

/**
 * Whether the server leaves out intermediates: its chain alone does not
 * reach an approved root, but does with the ones the product knows or the
 * ones in the Secret behind it.
 */
function chainIncomplete(
  chainPem: string,
  parsed: ParsedTlsData,
  ctx: EndpointJudgeContext,
  backing?: InventoryRow,
): boolean {
  if (!ctx.strictTrust.hasRoots) return false;
  const alone = parseTlsData(asSecretData(chainPem), ctx.strictTrust);
  if (alone.chainTrusted !== false) return false;
  if (parsed.chainTrusted) return true;
  if (!backing?.chainPem) return false;
  const withSecret = TrustStore.fromPems(ctx.strictTrust.rootPems, {
    intermediates: [backing.chainPem],
  });
  return parseTlsData(asSecretData(chainPem), withSecret).chainTrusted === true;
}

/**
 * The inventory row of one scanned endpoint, judged by the same health rules
 * as a Secret plus the endpoint findings. A failed scan keeps the chain the
 * endpoint served last (`previous`), marked unreachable.
 */
export function rowFromScan(options: {
  endpoint: DeclaredEndpoint;
  scan: ScanResult;
  ctx: EndpointJudgeContext;
  backing?: InventoryRow;
  previous?: InventoryRow;
}): InventoryRow {
  const { endpoint, scan, ctx, backing, previous } = options;
  // The Secret's owner was resolved from the cluster's own objects; an
  // entity that merely names the host owns it only when nobody else does.
  const owned = Boolean(backing?.entityRef || backing?.ownerRef);
  const entityRef = owned ? backing?.entityRef : endpoint.entityRef;
  const ownerRef = owned ? backing?.ownerRef : endpoint.ownerRef;
  const parsed: ParsedTlsData = scan.chainPem
    ? parseTlsData(asSecretData(scan.chainPem), ctx.trust)
    : {
        leaf: previous?.details.leaf,
        chain: previous?.details.chain ?? [],
        chainPem: previous?.chainPem,
        chainTrust: previous?.details.chainTrust,
        chainTrusted: previous?.details.chainTrusted,
      };
  const health = computeHealth(parsed.leaf, {
    now: ctx.now,
    thresholds: ctx.thresholds,
    chainTrust: parsed.chainTrust,
    chainTrusted: parsed.chainTrusted,
    approvedIssuers: ctx.approvedIssuers,
    owned: Boolean(entityRef || ownerRef),
    location: 'endpoint',
  });
  const backingLeaf = backing?.goneAt ? undefined : backing?.details.leaf;
  const extra = endpointFindings({
    host: endpoint.host,
    port: endpoint.port,
    leaf: scan.chainPem ? parsed.leaf : undefined,
    error: scan.error ?? (parsed.leaf ? undefined : { kind: 'handshake' }),
    chainIncomplete: scan.chainPem
      ? chainIncomplete(scan.chainPem, parsed, ctx, backing)
      : false,
    secret:
      backingLeaf && endpoint.secret
        ? {
            name: endpoint.secret.name,
            fingerprintSha256: backingLeaf.fingerprintSha256,
            notBefore: backingLeaf.notBefore,
          }
        : undefined,
  });
  const findings = [...health.findings, ...extra];
  return {
    id: endpointRowId(endpoint),
    location: ENDPOINT_LOCATION,
    cluster: '',
    namespace: endpoint.namespace ?? '',
    secretName: `${endpoint.host}:${endpoint.port}`,
    status: health.status,
    findings: findings.map(f => f.kind),
    entityRef,
    ownerRef,
    ownershipRule: undefined,
    chainPem: parsed.chainPem,
    details: {
      leaf: parsed.leaf,
      chain: parsed.chain,
      findingDetails: findings,
      parseError: parsed.parseError,
      chainTrusted: parsed.chainTrusted,
      chainTrust: parsed.chainTrust,
      endpoint: {
        host: endpoint.host,
        port: endpoint.port,
        address: scan.address,
        source: endpoint.source,
        origin: endpoint.origin,
        secretId: endpoint.secret?.id,
        error: scan.error ? endpointErrorReason(scan.error) : undefined,
      },
    },
  };
}
