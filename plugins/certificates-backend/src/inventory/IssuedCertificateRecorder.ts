import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { UnitOfWork } from '../database';
import {
  computeHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  HealthThresholds,
} from '@kubecerts/backstage-plugin-certificates-common';
import { GroupCommit } from '../issuing/GroupCommit';
import type { IssuedRecord } from '../issuing/IssuanceService';
import type { RequestStore } from '../requests/RequestStore';
import {
  ApprovedRootsSource,
  certificateId,
  chainTrustThrough,
  parsedDetails,
  ParsedTlsData,
  parseTlsData,
  TrustStore,
} from './parsing';
import { InventoryRow, InventoryStore } from './store';
import { PORTAL_LOCATION } from './store/requestLinks';

export { PORTAL_LOCATION };

export interface IssuedCertificateRecorderOptions {
  store: InventoryStore;
  /** The approved roots, as discovery judges chains against them. */
  getApprovedRoots: ApprovedRootsSource;
  thresholds?: Partial<HealthThresholds>;
  approvedIssuers?: string[];
  /**
   * Where each request is linked to its inventory row (certificateId, one
   * statement a batch), and where `catchUp` finds the rows never written.
   */
  requests: Pick<
    RequestStore,
    'listIssuedWithoutCertificate' | 'getChainPem' | 'linkCertificates'
  >;
  logger: LoggerService;
  now?: () => Date;
}

/**
 * Adds certificates issued to a CSR to the inventory, owned by the request's
 * entity and linked to the request. Secret and cert-manager deliveries are
 * left to discovery; their rows are linked to their request when the
 * certificate in the Secret proves it (see store/requestLinks.ts).
 */
export class IssuedCertificateRecorder {
  private trust: TrustStore;
  /** The approved roots the trust store was built from. */
  private trustKey: string | undefined;
  private readonly thresholds: HealthThresholds;
  private readonly now: () => Date;
  /** Certificates issued at the same time are written together. */
  private readonly batches: GroupCommit<IssuedRecord>;
  /**
   * The parsed rest of a chain (the issuing CA and up), by its PEM text:
   * every certificate of one CA shares it. Emptied when the roots change.
   */
  private readonly chainTails = new Map<string, ParsedTlsData>();

  static create(
    options: IssuedCertificateRecorderOptions,
  ): IssuedCertificateRecorder {
    return new IssuedCertificateRecorder(options);
  }

  /**
   * Fails when a configured cluster uses the name of the portal's location:
   * clients before locations ask for the portal's rows as that cluster
   * (see the README's API section), and a cluster of that name would share
   * their filter.
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
  static rowId(
    request: Pick<IssuedRecord['request'], 'id' | 'entityRef'>,
  ): string {
    const { namespace } = parseEntityRef(request.entityRef);
    return certificateId(PORTAL_LOCATION, namespace, `request-${request.id}`);
  }

  /**
   * The hook for IssuanceService's onIssued. Certificates issued at the same
   * time are written together: one inventory upsert and one transaction of
   * request links per batch, instead of two commits per certificate.
   * Resolves once this certificate's row and link have committed. For a
   * Secret or cert-manager delivery, links the Secret's row if it was
   * written before the request was recorded as issued.
   */
  readonly record = (record: IssuedRecord): Promise<void> =>
    record.request.delivery.kind === 'csr'
      ? this.batches.add(record)
      : this.o.store.linkIssued([record.request.id]).then(() => undefined);

  /**
   * The same, off the request path: the issued request is already committed
   * and is the record of truth, so its response need not wait for the
   * inventory. A row that was not written (a crash, a database error) is
   * written by `catchUp`, which runs at start and hourly.
   */
  readonly recordInBackground = async (record: IssuedRecord): Promise<void> => {
    this.record(record).catch(error =>
      this.o.logger.warn(
        `Recording the certificate of request ${record.request.id} failed; it is retried by the next catch-up: ${error}`,
      ),
    );
  };

  /** For IssuanceService: the inventory id a CSR request's certificate gets. */
  readonly certificateIdOf = (
    request: Pick<IssuedRecord['request'], 'id' | 'entityRef'>,
  ): string => IssuedCertificateRecorder.rowId(request);

  /**
   * Writes the rows of certificates issued to CSRs in the caller's
   * transaction, the one that records the requests as issued: the
   * request, its certificate and its inventory row commit together, in the
   * issuing batch's one commit. The requests carry their certificateId
   * (certificateIdOf) already.
   */
  readonly recordInTransaction = async (
    records: IssuedRecord[],
    trx: UnitOfWork,
  ): Promise<void> => {
    const csr = records.filter(r => r.request.delivery.kind === 'csr');
    if (csr.length === 0) return;
    await this.refreshTrust();
    await this.o.store.upsertCertificates(
      csr.map(record => this.toRow(record)),
      this.now().toISOString(),
      { unitOfWork: trx },
    );
  };

  /** Resolves once every certificate queued so far is written (or failed). */
  idle(): Promise<void> {
    return this.batches.idle();
  }

  /**
   * Writes the rows of issued CSR requests that have none yet (issued just
   * before a crash, or while the database refused the row), and links the
   * rows a crash or a race left unlinked. Returns how many rows it wrote.
   */
  async catchUp(): Promise<number> {
    await this.o.store.linkIssued();
    const requests = this.o.requests;
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
    await this.o.requests.linkCertificates(
      rows.map(row => ({ requestId: row.requestId!, certificateId: row.id })),
    );
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
      this.chainTails.clear();
    }
  }

  private toRow(record: IssuedRecord): InventoryRow {
    const { request } = record;
    const { namespace } = parseEntityRef(request.entityRef);
    const parsed =
      this.fromIssuer(record) ??
      parseTlsData(
        { 'tls.crt': Buffer.from(record.chainPem, 'utf8').toString('base64') },
        this.trust,
      );
    return this.judge({
      id: IssuedCertificateRecorder.rowId(request),
      location: PORTAL_LOCATION,
      cluster: '',
      namespace,
      secretName: `request-${request.id}`,
      requestId: request.id,
      entityRef: request.entityRef,
      ownerRef: request.ownerRef,
      ownershipRule: 'request',
      chainPem: parsed.chainPem,
      details: parsedDetails(parsed),
    });
  }

  /**
   * What parseTlsData would make of the chain, from the leaf's fields the
   * issuer reported and the parsed rest of the chain (shared by all of one
   * CA's certificates). The leaf is trusted as far as its signer, the
   * chain's second certificate, is: the issuer signed it with that key.
   * Undefined when the issuer reported no fields or the chain does not fit
   * them; the caller then parses the chain.
   */
  private fromIssuer(record: IssuedRecord): ParsedTlsData | undefined {
    const leaf = record.leaf;
    const end = '-----END CERTIFICATE-----';
    const leafEnd = record.chainPem.indexOf(end);
    if (!leaf || leafEnd < 0) return undefined;
    const tailText = record.chainPem.slice(leafEnd + end.length).trim();
    let tail = this.chainTails.get(tailText);
    if (!tail) {
      tail = parseTlsData(
        { 'tls.crt': Buffer.from(tailText, 'utf8').toString('base64') },
        this.trust,
      );
      if (this.chainTails.size >= 16) this.chainTails.clear();
      this.chainTails.set(tailText, tail);
    }
    const signer = tail.leaf;
    if (!signer || !tail.chainPem || signer.subject !== leaf.issuer) {
      return undefined;
    }
    const trusted = this.trust.hasRoots ? tail.chain[0].trusted : false;
    return {
      leaf,
      chain: [
        {
          subject: leaf.subject,
          issuer: leaf.issuer,
          fingerprintSha256: leaf.fingerprintSha256,
          notAfter: leaf.notAfter,
          isCA: leaf.isCA,
          trusted,
        },
        ...tail.chain,
      ],
      chainPem: `${record.chainPem.slice(0, leafEnd + end.length)}\n${
        tail.chainPem
      }`,
      chainTrusted: this.trust.hasRoots ? trusted : undefined,
      chainTrust: chainTrustThrough(signer, tail.chainTrust),
    };
  }

  /**
   * Re-judges every portal row as time passes (valid → expiring → expired);
   * discovery does this for cluster rows. Returns how many rows changed.
   */
  async reevaluate(): Promise<number> {
    let changed = 0;
    await this.o.store.forEachRow({ location: PORTAL_LOCATION }, async rows => {
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
      chainTrust: row.details.chainTrust,
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
