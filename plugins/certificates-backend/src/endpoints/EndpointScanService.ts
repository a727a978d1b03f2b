import { LoggerService } from '@backstage/backend-plugin-api';
import { HealthThresholds } from '@kubecerts/backstage-plugin-certificates-common';
import { TrustStore } from '../inventory/parsing';
import { InventoryRow, InventoryStore } from '../inventory/store';
import { EndpointStatusStore } from './EndpointStatusStore';
import {
  DeclaredEndpoint,
  ENDPOINT_LOCATION,
  endpointRowId,
  rowFromScan,
} from './judgeEndpoint';
import { mapWithLimit, scanEndpoint, ScanOptions } from './scanEndpoint';
import { mergeEndpoints } from './sources';

export interface EndpointScanSettings {
  concurrency: number;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  allowLoopback: boolean;
}

export interface EndpointScanReport {
  scanned: number;
  unreachable: number;
  removed: number;
  durationMs: number;
}

/**
 * One scan round: every declared endpoint is connected to (a TLS handshake,
 * nothing more), its served chain judged and written as an inventory row of
 * location `endpoint` through the inventory's own write path, so the
 * health rules, filters, notifications and export treat it like a Secret.
 * Endpoints nobody declares any more are marked gone.
 */
export class EndpointScanService {
  private constructor(
    private readonly options: {
      inventory: InventoryStore;
      statuses: EndpointStatusStore;
      trust: TrustStore;
      sources: Array<() => Promise<DeclaredEndpoint[]>>;
      settings: EndpointScanSettings;
      health: {
        thresholds: Partial<HealthThresholds>;
        approvedIssuers: string[];
      };
      logger: LoggerService;
      now?: () => Date;
      /** Replaced in tests to point names at local servers. */
      resolve?: ScanOptions['resolve'];
    },
  ) {}

  static create(options: EndpointScanService['options']) {
    return new EndpointScanService(options);
  }

  private async declared(): Promise<DeclaredEndpoint[]> {
    // A failing source fails the round: its endpoints must not look gone.
    const all = await Promise.all(this.options.sources.map(s => s()));
    return mergeEndpoints(all.flat());
  }

  async run(): Promise<EndpointScanReport> {
    const { inventory, settings } = this.options;
    const started = Date.now();
    const endpoints = await this.declared();
    const ids = endpoints.map(endpointRowId);
    const secretIds = [
      ...new Set(endpoints.flatMap(e => (e.secret ? [e.secret.id] : []))),
    ];
    const [previous, backing] = await Promise.all([
      inventory.getRows(ids),
      inventory.getRows(secretIds),
    ]);
    const previousById = new Map(previous.map(r => [r.id, r]));
    const backingById = new Map(backing.map(r => [r.id, r]));

    await this.options.trust.refresh();
    const now = (this.options.now ?? (() => new Date()))();
    const ctx = {
      trust: this.options.trust,
      strictTrust: TrustStore.fromPems(this.options.trust.rootPems),
      thresholds: this.options.health.thresholds,
      approvedIssuers: this.options.health.approvedIssuers,
      now,
    };
    const scanOptions: ScanOptions = {
      timeoutMs: settings.timeoutMs,
      allowPrivateNetworks: settings.allowPrivateNetworks,
      allowLoopback: settings.allowLoopback,
      resolve: this.options.resolve,
    };
    const results = await mapWithLimit(endpoints, settings.concurrency, e =>
      scanEndpoint(e, scanOptions),
    );
    const at = now.toISOString();
    const rows: InventoryRow[] = endpoints.map((endpoint, i) =>
      rowFromScan({
        endpoint,
        scan: results[i],
        ctx,
        backing: endpoint.secret
          ? backingById.get(endpoint.secret.id)
          : undefined,
        previous: previousById.get(ids[i]),
      }),
    );
    await inventory.upsertCertificates(rows, at);
    await this.options.statuses.record(
      endpoints.map((e, i) => ({
        id: ids[i],
        host: e.host,
        port: e.port,
        source: e.source,
        origin: e.origin,
        resolvedAddress: results[i].address,
        lastAttemptAt: at,
        lastSeenAt: results[i].chainPem ? at : undefined,
        lastError: rows[i].details.endpoint?.error,
        lastDurationMs: results[i].durationMs,
      })),
    );

    const declared = new Set(ids);
    const stale: string[] = [];
    await inventory.forEachRow({ location: ENDPOINT_LOCATION }, async batch => {
      stale.push(...batch.filter(r => !declared.has(r.id)).map(r => r.id));
    });
    if (stale.length > 0) {
      await inventory.markGone(stale, at);
      await this.options.statuses.remove(stale);
    }
    return {
      scanned: endpoints.length,
      unreachable: results.filter(r => r.error).length,
      removed: stale.length,
      durationMs: Date.now() - started,
    };
  }
}
