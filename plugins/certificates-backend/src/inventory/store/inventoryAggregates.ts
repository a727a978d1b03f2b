import { Knex } from 'knex';
import {
  CertificateListFilter,
  CertificateLocation,
  CertificateStatus,
  CountsResponse,
  TimelineBucket,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  applyListOrder,
  isUnfiltered,
  restrictsToOwnersOrEntities,
  TABLE,
} from './queryFilters';
import { InventoryReadContext } from './inventoryLists';
import { DbRow, parseFindings } from './rowMapping';
import { CertificatePermissionFilter } from './types';
import { CLUSTER_LOCATION } from './requestLinks';

/**
 * Which plan SQLite is steered to (PostgreSQL plans from its statistics):
 * `restricted`, some entities' or owners' rows, found by the entity or
 * owner index; `everything`, the whole live inventory.
 */
function sqliteHints(
  ctx: InventoryReadContext,
  filter: CertificateListFilter,
  permissionFilter?: CertificatePermissionFilter,
) {
  return {
    restricted:
      ctx.isSqlite && restrictsToOwnersOrEntities(filter, permissionFilter),
    everything: ctx.isSqlite && isUnfiltered(filter, permissionFilter),
  };
}

export async function countCertificates(
  ctx: InventoryReadContext,
  filter: CertificateListFilter,
  now: string,
  permissionFilter?: CertificatePermissionFilter,
): Promise<CountsResponse> {
  // One pass over the covering counts index gives status, findings,
  // cluster and owner together; the issuer has its own covering index.
  // The grouping is not listed in the index's column order: SQLite still
  // walks the index for it unfiltered, but without table statistics a
  // matching order would make it prefer that index over a selective one
  // (an entity's or owner's) when the counts are filtered. Even so, it took
  // the counts index for an entity's counts and read every live row for its
  // entity (300 ms at 100,000 certificates): `restricted` keeps the live-rows
  // and expiry conditions off the indexes, so the entity's index is used.
  const { restricted, everything } = sqliteHints(ctx, filter, permissionFilter);
  const notAfter = restricted ? '+??' : '??';
  const [combos, byIssuer, nearest] = await Promise.all([
    ctx
      .filtered(filter, permissionFilter, { goneAtUnindexed: restricted })
      .select('status', 'cluster', 'owner_ref', 'findings', 'location')
      .count({ count: '*' })
      .groupBy(
        'findings',
        'owner_ref',
        'cluster',
        'status',
        'location',
      ) as Promise<DbRow[]>,
    // Unfiltered, a walk of the issuer index alone: without the hint SQLite
    // walked the counts index and read every row for its issuer (at 100,000
    // certificates about 200 ms instead of 15).
    ctx
      .filtered(filter, permissionFilter, {
        goneAtUnindexed: restricted || everything,
      })
      .select('issuer')
      .count({ count: '*' })
      .groupBy('issuer')
      .orderBy('count', 'desc')
      .limit(20) as Promise<DbRow[]>,
    applyListOrder(
      ctx
        .filtered(filter, permissionFilter)
        .select(ctx.summaryColumns)
        .whereRaw(`${notAfter} > ?`, ['not_after', now]),
      {
        column: 'not_after',
        order: 'asc',
        filter,
        permissionFilter,
        sqlite: ctx.isSqlite,
      },
    ).first(),
  ]);
  const sum = (key: (r: DbRow) => string | null, rows: DbRow[] = combos) => {
    const totals = new Map<string | null, number>();
    for (const r of rows) {
      totals.set(key(r), (totals.get(key(r)) ?? 0) + Number(r.count));
    }
    return [...totals]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count);
  };
  const out: CountsResponse = {
    total: 0,
    byStatus: {},
    byFinding: {},
    byCluster: sum(
      r => r.cluster,
      combos.filter(r => r.location === CLUSTER_LOCATION),
    ).map(g => ({ cluster: g.value as string, count: g.count })),
    byLocation: sum(r => r.location).map(g => ({
      location: g.value as string,
      count: g.count,
    })),
    byIssuer: byIssuer
      .filter(r => r.issuer)
      .map(r => ({ issuer: r.issuer, count: Number(r.count) })),
    byOwner: sum(r => r.owner_ref ?? null)
      .slice(0, 50)
      .map(g => ({ owner: g.value, count: g.count })),
    nearestExpiry: nearest ? ctx.summaries([nearest])[0] : undefined,
  };
  for (const g of sum(r => r.status)) {
    out.byStatus[g.value as CertificateStatus] = g.count;
    out.total += g.count;
  }
  const byFindings = sum(r => r.findings).map(g => ({
    findings: g.value,
    count: g.count,
  }));
  for (const r of byFindings) {
    for (const f of parseFindings(r.findings)) {
      out.byFinding[f] = (out.byFinding[f] ?? 0) + Number(r.count);
    }
  }
  return out;
}

export async function expiryTimeline(
  ctx: InventoryReadContext,
  filter: CertificateListFilter,
  weeks: number,
  now: string,
  permissionFilter?: CertificatePermissionFilter,
): Promise<TimelineBucket[]> {
  // Weeks start on Monday, 00:00 UTC.
  const start = new Date(now);
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const WEEK = 7 * 24 * 60 * 60 * 1000;
  const end = new Date(start.getTime() + weeks * WEEK);
  const buckets: TimelineBucket[] = Array.from({ length: weeks }, (_, i) => ({
    weekStart: new Date(start.getTime() + i * WEEK).toISOString(),
    byStatus: {},
    total: 0,
  }));
  const day = ctx.db.raw('substr(not_after, 1, 10)');
  // Some entities' or owners' rows: found by their index, not by a walk of
  // the expiry index's weeks that reads every row for its entity.
  const { restricted } = sqliteHints(ctx, filter, permissionFilter);
  const notAfter = restricted ? '+??' : '??';
  const rows: DbRow[] = await ctx
    .filtered(filter, permissionFilter)
    .select({ day, status: 'status' })
    .count({ count: '*' })
    .whereRaw(`${notAfter} >= ? and ${notAfter} < ?`, [
      'not_after',
      start.toISOString(),
      'not_after',
      end.toISOString(),
    ])
    .groupByRaw('substr(not_after, 1, 10), status');
  for (const r of rows) {
    const index = Math.floor(
      (Date.parse(`${r.day}T00:00:00Z`) - start.getTime()) / WEEK,
    );
    const bucket = buckets[index];
    if (!bucket) continue;
    const status = r.status as CertificateStatus;
    bucket.byStatus[status] = (bucket.byStatus[status] ?? 0) + Number(r.count);
    bucket.total += Number(r.count);
  }
  return buckets;
}

export async function inventoryAggregates(db: Knex) {
  const [byStatus, earliest] = await Promise.all([
    db(TABLE)
      .whereNull('gone_at')
      .select('location', 'cluster', 'status')
      .count({ count: '*' })
      .groupBy('location', 'cluster', 'status') as Promise<DbRow[]>,
    db(TABLE)
      .whereNull('gone_at')
      .where('not_after', '>', '')
      .select('location', 'cluster')
      .min({ notAfter: 'not_after' })
      .groupBy('location', 'cluster') as Promise<DbRow[]>,
  ]);
  // A row of another location has no cluster.
  const cluster = (r: DbRow) =>
    r.location === CLUSTER_LOCATION ? r.cluster : undefined;
  return {
    byClusterAndStatus: byStatus.map(r => ({
      location: r.location as CertificateLocation,
      cluster: cluster(r),
      status: r.status as CertificateStatus,
      count: Number(r.count),
    })),
    earliestExpiry: earliest.map(r => ({
      location: r.location as CertificateLocation,
      cluster: cluster(r),
      notAfter: r.notAfter,
    })),
  };
}
