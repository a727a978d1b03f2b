import { Knex } from 'knex';
import {
  CertManagerInfo,
  CertificateUsage,
  ClusterSyncStatus,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  BATCH,
  chunks,
  CLUSTERS,
  DbRow,
  OBJECTS,
  orUndefined,
  REFS,
} from './rowMapping';
import { isSqlite } from '../../database/sqlite';
import { TABLE } from './queryFilters';
import { ClusterStatusUpdate, KubernetesObjectRecord } from './types';

type ObjectKey = { kind: string; namespace: string; name: string };

/**
 * The Kubernetes objects related to TLS Secrets (Ingresses, Gateways,
 * cert-manager resources), which Secrets they reference, and the clusters'
 * sync status: the inventory store's tables besides its rows.
 */
export class KubernetesObjectsTable {
  constructor(private readonly db: Knex) {}

  async upsertObjects(
    cluster: string,
    objects: KubernetesObjectRecord[],
  ): Promise<void> {
    if (objects.length === 0) return;
    await this.db.transaction(async tx => {
      for (const batch of chunks(objects, 100)) {
        await this.deleteRefs(tx, cluster, batch);
        await tx(OBJECTS)
          .insert(
            batch.map(o => ({
              cluster,
              kind: o.kind,
              namespace: o.namespace,
              name: o.name,
              resource_version: o.resourceVersion ?? null,
              labels: o.labels ? JSON.stringify(o.labels) : null,
              data: JSON.stringify(o.data),
            })),
          )
          .onConflict(['cluster', 'kind', 'namespace', 'name'])
          .merge(['resource_version', 'labels', 'data']);
        const refs = batch.flatMap(o =>
          // one row per referenced Secret, even when listed twice
          [
            ...new Map(
              o.refs.map(r => [`${r.secretNamespace}/${r.secretName}`, r]),
            ).values(),
          ].map(r => ({
            cluster,
            kind: o.kind,
            namespace: o.namespace,
            name: o.name,
            secret_namespace: r.secretNamespace,
            secret_name: r.secretName,
            hosts: JSON.stringify(r.hosts),
          })),
        );
        for (const b of chunks(refs, BATCH)) await tx(REFS).insert(b);
      }
    });
  }

  private async deleteRefs(tx: Knex, cluster: string, keys: ObjectKey[]) {
    for (const k of keys) {
      await tx(REFS)
        .where({ cluster, kind: k.kind, namespace: k.namespace, name: k.name })
        .delete();
    }
  }

  async deleteObjects(cluster: string, keys: ObjectKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.transaction(async tx => {
      await this.deleteRefs(tx, cluster, keys);
      for (const k of keys) {
        await tx(OBJECTS)
          .where({
            cluster,
            kind: k.kind,
            namespace: k.namespace,
            name: k.name,
          })
          .delete();
      }
    });
  }

  async listObjects(
    cluster: string,
    kind?: string,
  ): Promise<KubernetesObjectRecord[]> {
    const q = this.db(OBJECTS).where({ cluster });
    if (kind) q.andWhere({ kind });
    const objects: DbRow[] = await q;
    const refQ = this.db(REFS).where({ cluster });
    if (kind) refQ.andWhere({ kind });
    const refs: DbRow[] = await refQ;
    const byKey = new Map<string, KubernetesObjectRecord>();
    for (const o of objects) {
      byKey.set(`${o.kind}/${o.namespace}/${o.name}`, {
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
        resourceVersion: orUndefined(o.resource_version),
        labels: o.labels ? JSON.parse(o.labels) : undefined,
        data: JSON.parse(o.data),
        refs: [],
      });
    }
    for (const r of refs) {
      byKey.get(`${r.kind}/${r.namespace}/${r.name}`)?.refs.push({
        secretNamespace: r.secret_namespace,
        secretName: r.secret_name,
        hosts: JSON.parse(r.hosts),
      });
    }
    return [...byKey.values()];
  }

  /** Where one Secret is used, and the cert-manager Certificate that writes it. */
  async usageOf(secret: {
    cluster: string;
    namespace: string;
    secretName: string;
  }): Promise<{ usedBy: CertificateUsage[]; certManager?: CertManagerInfo }> {
    const refs: DbRow[] = await this.db(REFS)
      .join(OBJECTS, join =>
        join
          .on(`${OBJECTS}.cluster`, `${REFS}.cluster`)
          .andOn(`${OBJECTS}.kind`, `${REFS}.kind`)
          .andOn(`${OBJECTS}.namespace`, `${REFS}.namespace`)
          .andOn(`${OBJECTS}.name`, `${REFS}.name`),
      )
      .where({
        [`${REFS}.cluster`]: secret.cluster,
        [`${REFS}.secret_namespace`]: secret.namespace,
        [`${REFS}.secret_name`]: secret.secretName,
      })
      .select(
        `${REFS}.kind`,
        `${REFS}.namespace`,
        `${REFS}.name`,
        `${REFS}.hosts`,
        `${OBJECTS}.data`,
      );
    const usedBy: CertificateUsage[] = [];
    let certManager: CertManagerInfo | undefined;
    for (const r of refs) {
      if (r.kind === 'Ingress' || r.kind === 'Gateway') {
        usedBy.push({
          kind: r.kind,
          namespace: r.namespace,
          name: r.name,
          hosts: JSON.parse(r.hosts),
        });
      } else if (r.kind === 'Certificate' && !certManager) {
        certManager = JSON.parse(r.data).certManager as
          | CertManagerInfo
          | undefined;
      }
    }
    return { usedBy, certManager };
  }

  async setClusterStatus(update: ClusterStatusUpdate): Promise<void> {
    const record: DbRow = {
      name: update.name,
      simulated: update.simulated,
      state: update.state,
    };
    if (update.lastSyncAt !== undefined)
      record.last_sync_at = update.lastSyncAt;
    if (update.lastAttemptAt !== undefined)
      record.last_attempt_at = update.lastAttemptAt;
    record.degraded_reason = update.degradedReason ?? null;
    await this.db(CLUSTERS).insert(record).onConflict('name').merge();
  }

  async listClusters(): Promise<ClusterSyncStatus[]> {
    const now = new Date().toISOString();
    const [clusters, counts, leases] = await Promise.all([
      this.db(CLUSTERS).orderBy('name'),
      // SQLite walks the cluster index in its order with the live-rows
      // condition kept off the index; with it, it took the expiry index and
      // sorted every live row by cluster (85 ms at 100,000 certificates).
      this.db(TABLE)
        .whereRaw(isSqlite(this.db) ? '+?? is null' : '?? is null', ['gone_at'])
        .select('cluster')
        .count({ count: '*' })
        .groupBy('cluster'),
      // Only a live lease names a holder: an expired one's replica is gone.
      this.db('certificates_leases')
        .where({ kind: 'cluster' })
        .andWhere('expires_at', '>=', now)
        .select('name', 'owner'),
    ]);
    const holders = new Map(
      (leases as DbRow[]).map(l => [l.name as string, l.owner as string]),
    );
    const byCluster = new Map(
      (counts as DbRow[]).map(c => [c.cluster, Number(c.count)]),
    );
    return (clusters as DbRow[]).map(c => ({
      name: c.name,
      simulated: Boolean(c.simulated),
      state: c.state,
      lastSyncAt: orUndefined(c.last_sync_at),
      lastAttemptAt: orUndefined(c.last_attempt_at),
      degradedReason: orUndefined(c.degraded_reason),
      certificateCount: byCluster.get(c.name) ?? 0,
      ...(holders.has(c.name) && { holder: holders.get(c.name) }),
    }));
  }
}
