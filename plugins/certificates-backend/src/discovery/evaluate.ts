import {
  computeHealth,
  EntityOwnershipIndex,
  HealthThresholds,
  NamespaceMapping,
  resolveOwnership,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificateId,
  parsedDetails,
  ParsedTlsData,
  parseTlsData,
  TrustStore,
} from '../inventory/parsing';
import { InventoryRow } from '../inventory/store';
import { RawObject } from './kinds';

/** Shared inputs of every verdict; replaced as the catalog or roots change. */
export interface EvaluationContext {
  trust: TrustStore;
  /** Parses Secret data (through a cache when given). */
  parse?: (data: Record<string, string> | undefined) => ParsedTlsData;
  thresholds: HealthThresholds;
  approvedIssuers: string[];
  entities: EntityOwnershipIndex;
  namespaceMappings: NamespaceMapping[];
  now(): Date;
}

/** Labels of the objects related to one Secret. */
export interface RelatedLabels {
  certificateLabels?: Record<string, string>;
  ingressLabels: Array<Record<string, string> | undefined>;
}

/*
 * A copy made without an allocation site (see Upsert in InventoryWriter): a
 * verdict's findings are object and array literals, and a row's live until
 * its list page is committed. Were the sites tenured, each row's findings
 * would go to the old generation and take their messages with them.
 */
const copy = <T extends object>(value: T): T => ({ ...value });

function judge(
  row: Omit<
    InventoryRow,
    'status' | 'findings' | 'entityRef' | 'ownerRef' | 'ownershipRule'
  >,
  related: RelatedLabels,
  ctx: EvaluationContext,
): InventoryRow {
  const ownership = resolveOwnership({
    cluster: row.cluster,
    namespace: row.namespace,
    secretLabels: row.labels,
    certificateLabels: related.certificateLabels,
    ingressLabels: related.ingressLabels,
    entities: ctx.entities,
    namespaceMappings: ctx.namespaceMappings,
  });
  const verdict = computeHealth(row.details.leaf, {
    now: ctx.now(),
    thresholds: ctx.thresholds,
    chainTrusted: row.details.chainTrusted,
    chainTrust: row.details.chainTrust,
    approvedIssuers: ctx.approvedIssuers,
    keyMatches: row.details.keyMatches,
    owned: Boolean(ownership.entityRef || ownership.ownerRef),
  });
  return {
    ...row,
    status: verdict.status,
    findings: verdict.findings.map(f => f.kind),
    entityRef: ownership.entityRef,
    ownerRef: ownership.ownerRef,
    ownershipRule: ownership.rule,
    details: { ...row.details, findingDetails: verdict.findings.map(copy) },
  };
}

/**
 * One inventory row from a TLS Secret. The key is compared, never kept.
 * Nothing on the Secret links it to a portal request (a label can name any
 * request): the store links a row only when its certificate proves it.
 */
export function rowFromSecret(
  cluster: string,
  secret: RawObject,
  related: RelatedLabels,
  ctx: EvaluationContext,
): InventoryRow {
  const namespace = secret.metadata?.namespace ?? '';
  const name = secret.metadata?.name ?? '';
  const parsed = ctx.parse
    ? ctx.parse(secret.data)
    : parseTlsData(secret.data, ctx.trust);
  return judge(
    {
      id: certificateId(cluster, namespace, name),
      cluster,
      namespace,
      secretName: name,
      resourceVersion: secret.metadata?.resourceVersion,
      labels: secret.metadata?.labels,
      chainPem: parsed.chainPem,
      details: { ...parsedDetails(parsed), keyMatches: parsed.keyMatches },
    },
    related,
    ctx,
  );
}

/** The row judged again (time passed, owners or relations changed); undefined if unchanged. */
export function reevaluateRow(
  row: InventoryRow,
  related: RelatedLabels,
  ctx: EvaluationContext,
): InventoryRow | undefined {
  const next = judge(row, related, ctx);
  const same =
    next.status === row.status &&
    next.findings.join() === row.findings.join() &&
    next.entityRef === row.entityRef &&
    next.ownerRef === row.ownerRef &&
    next.ownershipRule === row.ownershipRule;
  return same ? undefined : next;
}
