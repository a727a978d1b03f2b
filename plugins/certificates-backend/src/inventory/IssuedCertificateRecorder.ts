import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  computeHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  HealthThresholds,
} from '@internal/plugin-certificates-common';
import { GroupCommit } from '../issuing/GroupCommit';
import type { IssuedRecord } from '../issuing/IssuanceService';
import type { RequestStore } from '../requests/RequestStore';
import {
  ApprovedRootsSource,
  certificateId,
  parseTlsData,
  TrustStore,
} from './parsing';
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
  /**
   * When given, the request is linked to its inventory row (certificateId);
   * with `transaction`, the links of a batch commit together.
   */
  requests?: Pick<RequestStore, 'transition'> &
    Partial<
      Pick<
        RequestStore,
        'transaction' | 'listIssuedWithoutCertificate' | 'getChainPem'
      >
    >;
  logger?: LoggerService;
  now?: () => Date;
}

/** The health settings discovery reads, from the same config keys. */
export function readHealthSettings(config: Config): {
  thresholds: Partial<HealthThresholds>;
  approvedIssuers: string[];
} {
  const thresholds: Partial<HealthThresholds> = {};
  const warningDays = config.getOptionalNumber(
    'certificates.health.warningDays',
  );
  const criticalDays = config.getOptionalNumber(
    'certificates.health.criticalDays',
  );
  const maxValidityDays = config.getOptionalNumber(
    'certificates.health.maxValidityDays',
  );
  if (warningDays !== undefined) thresholds.warningDays = warningDays;
  if (criticalDays !== undefined) thresholds.criticalDays = criticalDays;
  if (maxValidityDays !== undefined)
    thresholds.maxValidityDays = maxValidityDays;
  return {
    thresholds,
    approvedIssuers:
      config.getOptionalStringArray('certificates.health.approvedIssuers') ??
      [],
  };
}

/**
 * Adds certificates issued to a CSR to the inventory, owned by the request's
 * entity and linked to the request. Secret and cert-manager deliveries are
 * left to discovery, which links them through the request-id label.
 */
export class IssuedCertificateRecorder {
  private trust: TrustStore;
  /** The approved roots the trust store was built from. */
  private trustKey: string | undefined;
  private readonly thresholds: HealthThresholds;
  private readonly now: () => Date;
  /** Certificates issued at the same time are written together. */
  private readonly batches: GroupCommit<IssuedRecord>;

  static create(
    options: IssuedCertificateRecorderOptions,
  ): IssuedCertificateRecorder {
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
    this.trust = TrustStore.fromPems([]);
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...o.thresholds };
    this.now = o.now ?? (() => new Date());
    this.batches = GroupCommit.create({
      maxBatch: 64,
      write: records => this.write(records),
    });
  }

  /** Stable inventory id of a request's certificate. */
  static rowId(request: IssuedRecord['request']): string {
    const { namespace } = parseEntityRef(request.entityRef);
    return certificateId(PORTAL_LOCATION, namespace, `request-${request.id}`);
  }

  /**
   * The hook for IssuanceService's onIssued. Certificates issued at the same
   * time are written together: one inventory upsert and one transaction of
   * request links per batch, instead of two commits per certificate.
   * Resolves once this certificate's row and link have committed.
   */
  readonly record = (record: IssuedRecord): Promise<void> =>
    record.request.delivery.kind === 'csr'
      ? this.batches.add(record)
      : Promise.resolve();

  /**
   * The same, off the request path: the issued request is already committed
   * and is the record of truth, so its response need not wait for the
   * inventory. A row that was not written (a crash, a database error) is
   * written by `catchUp`, which runs at start and hourly.
   */
  readonly recordInBackground = async (record: IssuedRecord): Promise<void> => {
    this.record(record).catch(error =>
      this.o.logger?.warn(
        `Recording the certificate of request ${record.request.id} failed; it is retried by the next catch-up: ${error}`,
      ),
    );
  };

  /** Resolves once every certificate queued so far is written (or failed). */
  idle(): Promise<void> {
    return this.batches.idle();
  }

  /**
   * Writes the rows of issued CSR requests that have none yet (issued just
   * before a crash, or while the database refused the row). Returns how many
   * it wrote.
   */
  async catchUp(): Promise<number> {
    const requests = this.o.requests;
    if (!requests?.listIssuedWithoutCertificate || !requests.getChainPem) {
      return 0;
    }
    let written = 0;
    for (;;) {
      const missing = await requests.listIssuedWithoutCertificate(100);
      const records: IssuedRecord[] = [];
      for (const request of missing) {
        const chainPem = await requests.getChainPem(request.id);
        if (chainPem) {
          records.push({
            request,
            chainPem,
            serialNumber: request.serialNumber ?? '',
          });
        }
      }
      if (records.length === 0) return written;
      await this.write(records);
      written += records.length;
      if (missing.length < 100) return written;
    }
  }

  private async write(records: IssuedRecord[]): Promise<void> {
    await this.refreshTrust();
    const rows = records.map(record => this.toRow(record));
    await this.o.store.upsertCertificates(rows, this.now().toISOString());
    const requests = this.o.requests;
    if (!requests) return;
    const link = async (trx?: Parameters<RequestStore['transition']>[4]) => {
      for (const row of rows) {
        await requests.transition(
          row.requestId!,
          ['issued'],
          'issued',
          { certificateId: row.id },
          trx,
        );
      }
    };
    if (requests.transaction && rows.length > 1) {
      await requests.transaction(trx => link(trx));
    } else {
      await link();
    }
  }

  /**
   * Rebuilds the trust store only when the approved roots changed, so the
   * chain verdicts it caches (per intermediate) survive between batches.
   */
  private async refreshTrust(): Promise<void> {
    const pems = await this.o.getApprovedRoots();
    const key = pems.join('\n');
    if (key !== this.trustKey) {
      this.trust = TrustStore.fromPems(pems);
      this.trustKey = key;
    }
  }

  private toRow(record: IssuedRecord): InventoryRow {
    const { request } = record;
    const { namespace } = parseEntityRef(request.entityRef);
    const parsed = parseTlsData(
      { 'tls.crt': Buffer.from(record.chainPem, 'utf8').toString('base64') },
      this.trust,
    );
    return this.judge({
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
  }

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
        await this.o.store.upsertCertificates(
          updates,
          this.now().toISOString(),
        );
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
