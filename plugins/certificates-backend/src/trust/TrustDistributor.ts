import { LoggerService } from '@backstage/backend-plugin-api';
import {
  trustTargetRepairable,
  trustTargetState,
  TrustTargetStatus,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { ClusterRegistry } from '../clusters';
import { kubeErrorMessage } from '../delivery/kubeErrors';
import {
  configMapTarget,
  DistributionTarget,
  hasTrustManager,
  trustManagerBundleTarget,
} from './distributionTargets';
import { TrustStore } from './TrustStore';

/** One `certificates.trust.distribution` entry. */
export interface DistributionSettings {
  cluster: string;
  namespaces: string[];
  configMapName: string;
}

export interface TrustDistributorOptions {
  store: Pick<TrustStore, 'getTarget' | 'saveTarget' | 'listTargets'>;
  clusters: Pick<ClusterRegistry, 'get'>;
  distribution: DistributionSettings[];
  /** The PEM bundle of the roots approved now. */
  bundle: () => Promise<string>;
  logger: LoggerService;
  now?: () => Date;
}

const DESCRIBE: Record<string, string> = {
  missing: 'was missing; created',
  stale: 'held an older bundle; updated',
  edited: 'had been edited outside the portal; restored',
};

/**
 * Keeps the bundle of approved roots in the configured clusters and shows
 * where it drifted. The portal overwrites only objects it created (their
 * uid is recorded when it creates them); an object of the same name that
 * someone else made is reported `foreign` and never written, whatever its
 * labels say. Writes carry the resourceVersion read, so a concurrent edit
 * fails the write instead of being lost; the next sync looks again.
 */
export class TrustDistributor {
  private running?: Promise<TrustTargetStatus[]>;

  static create(options: TrustDistributorOptions): TrustDistributor {
    return new TrustDistributor(options);
  }

  private constructor(private readonly o: TrustDistributorOptions) {}

  /** What the last syncs found, per target. */
  status(): Promise<TrustTargetStatus[]> {
    return this.o.store.listTargets();
  }

  /**
   * Checks every target and (unless `repair` is false) repairs what
   * drifted. One sync at a time per replica.
   */
  sync(options: { repair?: boolean } = {}): Promise<TrustTargetStatus[]> {
    if (!this.running) {
      this.running = this.syncAll(options.repair ?? true).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async syncAll(repair: boolean): Promise<TrustTargetStatus[]> {
    const pem = await this.o.bundle();
    const results: TrustTargetStatus[] = [];
    for (const entry of this.o.distribution) {
      for (const target of await this.targetsOf(entry, results)) {
        results.push(await this.syncTarget(target, pem, repair));
      }
    }
    return results;
  }

  private async targetsOf(
    entry: DistributionSettings,
    results: TrustTargetStatus[],
  ): Promise<DistributionTarget[]> {
    const cluster = this.o.clusters.get(entry.cluster);
    if (!cluster) {
      for (const namespace of entry.namespaces) {
        const status = this.statusOf(
          {
            cluster: entry.cluster,
            namespace,
            kind: 'ConfigMap',
            name: entry.configMapName,
          },
          'error',
          `Cluster ${entry.cluster} is not configured`,
        );
        await this.o.store.saveTarget(status);
        results.push(status);
      }
      return [];
    }
    const { kubeConfig } = cluster;
    const targets = entry.namespaces.map(namespace =>
      configMapTarget({
        cluster: entry.cluster,
        kubeConfig,
        namespace,
        name: entry.configMapName,
      }),
    );
    const trustManager = await hasTrustManager(kubeConfig).catch(() => false);
    if (trustManager) {
      targets.push(
        trustManagerBundleTarget({
          cluster: entry.cluster,
          kubeConfig,
          name: `${entry.configMapName}-trust-manager`,
          namespaces: entry.namespaces,
        }),
      );
    }
    return targets;
  }

  private statusOf(
    target: Pick<TrustTargetStatus, 'cluster' | 'namespace' | 'kind' | 'name'>,
    state: TrustTargetStatus['state'],
    detail?: string,
  ): TrustTargetStatus {
    const { cluster, namespace, kind, name } = target;
    return {
      cluster,
      namespace,
      kind,
      name,
      state,
      ...(detail && { detail }),
      checkedAt: (this.o.now?.() ?? new Date()).toISOString(),
    };
  }

  private async syncTarget(
    target: DistributionTarget,
    pem: string,
    repair: boolean,
  ): Promise<TrustTargetStatus> {
    const written = await this.o.store.getTarget(target);
    const where = `${target.kind} ${
      target.namespace ? `${target.namespace}/` : ''
    }${target.name} in ${target.cluster}`;
    const keep = { uid: written?.uid, writtenHash: written?.writtenHash };
    try {
      const found = await target.read();
      const currentHash = target.desiredHash(pem);
      const state = trustTargetState({
        observed: found
          ? { exists: true, uid: found.uid, hash: found.hash }
          : { exists: false },
        written:
          written?.uid && written.writtenHash
            ? { uid: written.uid, hash: written.writtenHash }
            : undefined,
        currentHash,
      });
      if (state === 'foreign') {
        const status = this.statusOf(
          target,
          'foreign',
          `${where} exists but was not created by the portal; it is left unchanged (rename or remove it)`,
        );
        await this.o.store.saveTarget({ ...status, ...keep });
        return status;
      }
      if (!repair || !trustTargetRepairable(state)) {
        const status = this.statusOf(target, state);
        await this.o.store.saveTarget({ ...status, ...keep });
        return status;
      }
      const uid = found
        ? await target.replace(found, pem)
        : await target.create(pem);
      this.o.logger.info(`Trust bundle: ${where} ${DESCRIBE[state]}`);
      const status = this.statusOf(target, 'in-sync', `${DESCRIBE[state]}`);
      await this.o.store.saveTarget({
        ...status,
        uid,
        writtenHash: currentHash,
      });
      return status;
    } catch (error) {
      const status = this.statusOf(target, 'error', kubeErrorMessage(error));
      this.o.logger.warn(
        `Trust bundle: ${where} could not be synced: ${status.detail}`,
      );
      await this.o.store.saveTarget({ ...status, ...keep });
      return status;
    }
  }
}
