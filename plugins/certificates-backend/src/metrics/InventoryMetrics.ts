import { metrics, Meter, ObservableResult } from '@opentelemetry/api';
import {
  CertificateLocation,
  CertificateStatus,
  ClusterSyncStatus,
  DEFAULT_CERTIFICATE_LOCATION,
} from '@kubecerts/backstage-plugin-certificates-common';

/** Where certificates are: a cluster, or another location (no cluster). */
interface Where {
  /** Default `cluster`. */
  location?: CertificateLocation;
  cluster?: string;
}

/** Aggregates the gauges read; refreshed periodically, never per request. */
export interface InventorySnapshot {
  byClusterAndStatus: Array<
    Where & {
      status: CertificateStatus;
      count: number;
    }
  >;
  /** Earliest notAfter of a live certificate per cluster (and location). */
  earliestExpiry: Array<Where & { notAfter: string }>;
  clusters: ClusterSyncStatus[];
}

/** The series' attributes: a portal row is in no cluster, not in one named 'portal'. */
function attributesOf(where: Where): Record<string, string> {
  const location = where.location ?? DEFAULT_CERTIFICATE_LOCATION;
  return where.cluster === undefined
    ? { location }
    : { location, cluster: where.cluster };
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
        description:
          'Certificates in the inventory by location, cluster and health status',
        unit: '{certificate}',
      })
      .addCallback((result: ObservableResult) => {
        for (const r of this.snapshot.byClusterAndStatus) {
          result.observe(r.count, { ...attributesOf(r), status: r.status });
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
          result.observe(
            Math.round((Date.parse(e.notAfter) - nowMs) / 1000),
            attributesOf(e),
          );
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

  /** Another replica reports the gauges: this one observes nothing. */
  clear(): void {
    this.snapshot = {
      byClusterAndStatus: [],
      earliestExpiry: [],
      clusters: [],
    };
  }
}
