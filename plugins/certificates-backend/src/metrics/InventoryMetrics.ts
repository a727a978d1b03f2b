import { metrics, Meter, ObservableResult } from '@opentelemetry/api';
import {
  CertificateStatus,
  ClusterSyncStatus,
} from '@kubecerts/backstage-plugin-certificates-common';

/** Aggregates the gauges read; refreshed periodically, never per request. */
export interface InventorySnapshot {
  byClusterAndStatus: Array<{
    cluster: string;
    status: CertificateStatus;
    count: number;
  }>;
  /** Earliest notAfter of a live certificate per cluster. */
  earliestExpiry: Array<{ cluster: string; notAfter: string }>;
  clusters: ClusterSyncStatus[];
}

/**
 * Aggregate OpenTelemetry gauges of the inventory: certificates by status
 * and cluster, seconds to the earliest expiry per cluster, and cluster sync
 * errors. No per-certificate series (cardinality stays bounded).
 */
export class InventoryMetrics {
  private snapshot: InventorySnapshot = {
    byClusterAndStatus: [],
    earliestExpiry: [],
    clusters: [],
  };

  private constructor(meter: Meter, private readonly now: () => Date) {
    meter
      .createObservableGauge('certificates.inventory.count', {
        description: 'Discovered certificates by cluster and health status',
        unit: '{certificate}',
      })
      .addCallback((result: ObservableResult) => {
        for (const r of this.snapshot.byClusterAndStatus) {
          result.observe(r.count, { cluster: r.cluster, status: r.status });
        }
      });
    meter
      .createObservableGauge('certificates.inventory.earliest_expiry', {
        description:
          'Seconds until the earliest expiry of a certificate in the cluster (negative when expired)',
        unit: 's',
      })
      .addCallback((result: ObservableResult) => {
        const nowMs = this.now().getTime();
        for (const e of this.snapshot.earliestExpiry) {
          result.observe(Math.round((Date.parse(e.notAfter) - nowMs) / 1000), {
            cluster: e.cluster,
          });
        }
      });
    meter
      .createObservableGauge('certificates.cluster.sync_errors', {
        description: '1 when discovery of the cluster is degraded, else 0',
        unit: '{error}',
      })
      .addCallback((result: ObservableResult) => {
        for (const c of this.snapshot.clusters) {
          result.observe(c.state === 'degraded' ? 1 : 0, { cluster: c.name });
        }
      });
  }

  static create(
    options: { meter?: Meter; now?: () => Date } = {},
  ): InventoryMetrics {
    return new InventoryMetrics(
      options.meter ?? metrics.getMeter('backstage-plugin-certificates'),
      options.now ?? (() => new Date()),
    );
  }

  update(snapshot: InventorySnapshot): void {
    this.snapshot = snapshot;
  }
}
