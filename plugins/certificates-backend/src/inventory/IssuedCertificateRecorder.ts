import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  computeHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  HealthThresholds,
} from '@internal/plugin-certificates-common';
import type { IssuedRecord } from '../issuing/IssuanceService';
import type { RequestStore } from '../requests/RequestStore';
import { ApprovedRootsSource, certificateId, parseTlsData, TrustStore } from './parsing';
import { InventoryRow, InventoryStore } from './store';

/**
 * The location of certificates issued to a CSR: they live in no cluster, so
 * their rows sit under this name. It never appears in the cluster list (that
 * comes from discovered clusters) and discovery relists only the clusters it
 * knows, so these rows are never marked gone by a relist.
 */
export const PORTAL_LOCATION = 'portal';

export interface IssuedCertificateRecorderOptions {
  store: InventoryStore;
  /** The approved roots, as discovery judges chains against them. */
  getApprovedRoots: ApprovedRootsSource;
  thresholds?: Partial<HealthThresholds>;
  approvedIssuers?: string[];
  /** When given, the request is linked to its inventory row (certificateId). */
  requests?: Pick<RequestStore, 'transition'>;
  logger?: LoggerService;
  now?: () => Date;
}

/** The health settings discovery reads, from the same config keys. */
export function readHealthSettings(config: Config): {
  thresholds: Partial<HealthThresholds>;
  approvedIssuers: string[];
} {
  const thresholds: Partial<HealthThresholds> = {};
  const warningDays = config.getOptionalNumber('certificates.health.warningDays');
  const criticalDays = config.getOptionalNumber('certificates.health.criticalDays');
  const maxValidityDays = config.getOptionalNumber('certificates.health.maxValidityDays');
  if (warningDays !== undefined) thresholds.warningDays = warningDays;
  if (criticalDays !== undefined) thresholds.criticalDays = criticalDays;
  if (maxValidityDays !== undefined) thresholds.maxValidityDays = maxValidityDays;
  return {
    thresholds,
    approvedIssuers:
      config.getOptionalStringArray('certificates.health.approvedIssuers') ?? [],
  };
}

/**
 * Adds certificates issued to a CSR to the inventory, owned by the request's
 * entity and linked to the request. Secret and cert-manager deliveries are
 * left to discovery, which links them through the request-id label.
 */
export class IssuedCertificateRecorder {
  private readonly trust: TrustStore;
  private readonly thresholds: HealthThresholds;
  private readonly now: () => Date;

  static create(options: IssuedCertificateRecorderOptions): IssuedCertificateRecorder {
    return new IssuedCertificateRecorder(options);
  }

  /**
   * Fails when a configured cluster uses the reserved location name: its
   * relist would otherwise mark the portal's rows gone.
   */
  static assertLocationFree(clusterNames: string[]): void {
    if (clusterNames.includes(PORTAL_LOCATION)) {
      throw new Error(
        `certificates.clusters: the name '${PORTAL_LOCATION}' is reserved for certificates issued to a CSR; rename that cluster`,
      );
    }
  }

  private constructor(private readonly o: IssuedCertificateRecorderOptions) {
    this.trust = TrustStore.create({ getApprovedRoots: o.getApprovedRoots });
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...o.thresholds };
    this.now = o.now ?? (() => new Date());
  }

  /** Stable inventory id of a request's certificate. */
  static rowId(request: IssuedRecord['request']): string {
    const { namespace } = parseEntityRef(request.entityRef);
    return certificateId(PORTAL_LOCATION, namespace, `request-${request.id}`);
  }

  /** The hook for IssuanceService's onIssued. */
  readonly record = async (record: IssuedRecord): Promise<void> => {
    const { request } = record;
    if (request.delivery.kind !== 'csr') return;
    await this.trust.refresh();
    const { namespace } = parseEntityRef(request.entityRef);
    const parsed = parseTlsData(
      { 'tls.crt': Buffer.from(record.chainPem, 'utf8').toString('base64') },
      this.trust,
    );
    const row = this.judge({
      id: IssuedCertificateRecorder.rowId(request),
      cluster: PORTAL_LOCATION,
      namespace,
      secretName: `request-${request.id}`,
      requestId: request.id,
      entityRef: request.entityRef,
      ownerRef: request.ownerRef,
      ownershipRule: 'request',
      chainPem: parsed.chainPem,
      details: {
        leaf: parsed.leaf,
        chain: parsed.chain,
        findingDetails: [],
        parseError: parsed.parseError,
        chainTrusted: parsed.chainTrusted,
      },
    });
    await this.o.store.upsertCertificates([row], this.now().toISOString());
    await this.o.requests?.transition(request.id, ['issued'], 'issued', {
      certificateId: row.id,
    });
  };

  /**
   * Re-judges every portal row as time passes (valid → expiring → expired);
   * discovery does this for cluster rows. Returns how many rows changed.
   */
  async reevaluate(): Promise<number> {
    let changed = 0;
    await this.o.store.forEachRow(PORTAL_LOCATION, async rows => {
      const updates: InventoryRow[] = [];
      for (const row of rows) {
        const next = this.judge(row);
        if (
          next.status !== row.status ||
          next.findings.join() !== row.findings.join()
        ) {
          updates.push(next);
        }
      }
      if (updates.length > 0) {
        await this.o.store.upsertCertificates(updates, this.now().toISOString());
        changed += updates.length;
      }
    });
    return changed;
  }

  private judge(row: Omit<InventoryRow, 'status' | 'findings'>): InventoryRow {
    const verdict = computeHealth(row.details.leaf, {
      now: this.now(),
      thresholds: this.thresholds,
      chainTrusted: row.details.chainTrusted,
      approvedIssuers: this.o.approvedIssuers ?? [],
      owned: Boolean(row.entityRef || row.ownerRef),
    });
    return {
      ...row,
      status: verdict.status,
      findings: verdict.findings.map(f => f.kind),
      details: { ...row.details, findingDetails: verdict.findings },
    };
  }
}
