import { ApisApi } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterHandle } from '../clusters';
import { certificateId } from '../inventory/parsing';
import { InventoryStore, KubernetesObjectRecord } from '../inventory/store';
import { describeFailure } from './errors';
import {
  EvaluationContext,
  RelatedLabels,
  reevaluateRow,
  rowFromSecret,
} from './evaluate';
import { InventoryWriter } from './InventoryWriter';
import {
  CERT_MANAGER_GROUP,
  CERT_MANAGER_KINDS,
  GATEWAY_GROUP,
  GATEWAYS,
  INGRESSES,
  RawObject,
  SECRETS,
  WatchedKind,
} from './kinds';
import { NamespaceFilter } from './namespaceFilter';
import { toObjectRecord } from './relations';
import { ResourceSync, ResourceSyncOptions, withTimeout } from './ResourceSync';

export interface ClusterDiscoveryOptions {
  cluster: ClusterHandle;
  store: InventoryStore;
  writer: InventoryWriter;
  logger: LoggerService;
  context: () => EvaluationContext;
  namespaces: NamespaceFilter;
  sync?: Pick<
    ResourceSyncOptions,
    'pageSize' | 'requestTimeoutMs' | 'watchTimeoutSeconds' | 'backoff'
  >;
  /**
   * How fresh a full list keeps the last-seen time of rows it did not
   * rewrite: only rows last seen longer ago than this get the list's time.
   * Rewriting every live row at each resync (every 30 minutes) wrote the
   * whole inventory again each time: on PostgreSQL a row update is a new
   * copy of the row (3–5 KB) and its index entries, and a resync that found
   * nothing changed wrote as much WAL as the first scan. Default 0: every
   * row, at every full list.
   */
  lastSeenResolutionMs?: number;
  /** Called after the status of the cluster changed. */
  onStatus?: (state: 'ok' | 'degraded' | 'syncing', reason?: string) => void;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** Discovery of one cluster: relations first, then TLS Secrets, then watches. */
export class ClusterDiscovery {
  private readonly syncs: ResourceSync[] = [];
  private readonly objects = new Map<
    string,
    Map<string, KubernetesObjectRecord>
  >();
  private related = new Map<string, RelatedLabels>();
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private live = new Map<string, string | undefined>();
  private forceReparse = false;
  /** When the current Secret list started (rows written since are fresh). */
  private listStartedAt: string | undefined;
  private readonly errors = new Map<string, string>();
  /** A full Secret list completed since start: without errors, the cluster is ok. */
  private secretsListed = false;
  private lastState: 'ok' | 'degraded' | 'syncing' | undefined;

  constructor(private readonly options: ClusterDiscoveryOptions) {}

  get name(): string {
    return this.options.cluster.name;
  }

  async start(): Promise<void> {
    this.running = true;
    this.secretsListed = false;
    this.setStatus('syncing');
    let groups: Set<string>;
    try {
      groups = await this.apiGroups();
    } catch (e) {
      const failure = describeFailure(e);
      this.degrade('discovery', failure.reason);
      this.retryTimer = setTimeout(() => {
        if (this.running) this.start().catch(() => undefined);
      }, 5_000 + Math.random() * 5_000);
      return;
    }
    const kinds: WatchedKind[] = [INGRESSES];
    if (groups.has(CERT_MANAGER_GROUP)) kinds.push(...CERT_MANAGER_KINDS);
    if (groups.has(GATEWAY_GROUP)) kinds.push(GATEWAYS);
    const relationSyncs = kinds.map(k => this.createSync(k));
    relationSyncs.forEach(s => s.start());
    // Ownership through Certificates and Ingresses needs them before Secrets;
    // a slow relation only delays, a late one re-judges what it references.
    await Promise.race([
      Promise.all(relationSyncs.map(s => s.firstList)),
      new Promise(resolve => setTimeout(resolve, 10_000).unref()),
    ]);
    if (!this.running) return;
    const secrets = this.createSync(SECRETS);
    secrets.start();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.syncs.forEach(s => s.stop());
  }

  /** Full relist of every kind; `reparse` ignores unchanged resourceVersions. */
  relist(options: { reparse?: boolean } = {}): void {
    if (options.reparse) this.forceReparse = true;
    for (const s of this.syncs) s.relist();
  }

  /** Waits until all handlers queued so far ran and their rows are committed. */
  async idle(): Promise<void> {
    await Promise.all(this.syncs.map(s => s.idle()));
    await this.options.writer.flush();
  }

  /** Judges every live row again (owners, time); writes the ones that changed. */
  async reevaluateAll(): Promise<number> {
    await this.options.writer.flush();
    let changed = 0;
    const ctx = this.options.context();
    await this.options.store.forEachRow(this.name, async rows => {
      for (const row of rows) {
        const next = reevaluateRow(
          row,
          this.relatedFor(row.namespace, row.secretName),
          ctx,
        );
        if (next) {
          changed++;
          this.options.writer.upsert(next);
        }
      }
    });
    await this.options.writer.flush();
    return changed;
  }

  private async apiGroups(): Promise<Set<string>> {
    const api = this.options.cluster.kubeConfig.makeApiClient(ApisApi);
    const groups = await withTimeout(
      api.getAPIVersions(),
      this.options.sync?.requestTimeoutMs ?? 30_000,
    );
    return new Set((groups.groups ?? []).map(g => g.name));
  }

  private relatedFor(namespace: string, name: string): RelatedLabels {
    return this.related.get(key(namespace, name)) ?? { ingressLabels: [] };
  }

  private rebuildRelated() {
    const related = new Map<string, RelatedLabels>();
    const entry = (k: string) => {
      let e = related.get(k);
      if (!e) related.set(k, (e = { ingressLabels: [] }));
      return e;
    };
    for (const [kind, records] of this.objects) {
      for (const record of records.values()) {
        for (const ref of record.refs) {
          const e = entry(key(ref.secretNamespace, ref.secretName));
          if (kind === 'Certificate') {
            // secretTemplate labels land on the Secret; the Certificate's own labels count too.
            e.certificateLabels = record.labels;
          } else if (kind === 'Ingress' || kind === 'Gateway') {
            e.ingressLabels.push(record.labels);
          }
        }
      }
    }
    this.related = related;
  }

  private async rejudge(records: Array<KubernetesObjectRecord | undefined>) {
    const ids = new Set<string>();
    for (const r of records) {
      for (const ref of r?.refs ?? [])
        ids.add(certificateId(this.name, ref.secretNamespace, ref.secretName));
    }
    if (ids.size === 0) return;
    await this.options.writer.flush();
    const ctx = this.options.context();
    for (const row of await this.options.store.getRows([...ids])) {
      if (!row.goneAt) {
        const next = reevaluateRow(
          row,
          this.relatedFor(row.namespace, row.secretName),
          ctx,
        );
        if (next) this.options.writer.upsert(next);
      }
    }
  }

  private createSync(kind: WatchedKind): ResourceSync {
    const handler =
      kind.kind === 'Secret'
        ? this.secretHandler(kind)
        : this.relationHandler(kind);
    const sync = new ResourceSync({
      kubeConfig: this.options.cluster.kubeConfig,
      kind,
      handler,
      logger: this.options.logger.child({
        cluster: this.name,
        kind: kind.kind,
      }),
      ...this.options.sync,
    });
    this.syncs.push(sync);
    return sync;
  }

  private relationHandler(kind: WatchedKind) {
    let fresh = new Map<string, KubernetesObjectRecord>();
    const current = () => {
      let m = this.objects.get(kind.kind);
      if (!m) this.objects.set(kind.kind, (m = new Map()));
      return m;
    };
    // ClusterIssuers have no namespace: the namespace filter is not theirs.
    const watched = (item: RawObject) =>
      kind.kind === 'ClusterIssuer' ||
      this.options.namespaces.allows(item.metadata?.namespace ?? '');
    return {
      onListStart: () => {
        fresh = new Map();
      },
      onListPage: (items: RawObject[]) => {
        for (const item of items) {
          if (!watched(item)) continue;
          const record = toObjectRecord(kind.kind, item);
          fresh.set(key(record.namespace, record.name), record);
        }
      },
      onListDone: async () => {
        const old = current();
        const removed = [...old.entries()]
          .filter(([k]) => !fresh.has(k))
          .map(([, r]) => r);
        await this.options.store.upsertObjects(this.name, [...fresh.values()]);
        await this.options.store.deleteObjects(this.name, removed);
        this.objects.set(kind.kind, fresh);
        this.rebuildRelated();
        await this.rejudge([...removed, ...fresh.values()]);
        this.clearError(kind.kind);
      },
      onEvent: async (type: string, item: RawObject) => {
        if (!watched(item)) return;
        const record = toObjectRecord(kind.kind, item);
        const k = key(record.namespace, record.name);
        const map = current();
        const before = map.get(k);
        if (type === 'DELETED') {
          map.delete(k);
          await this.options.store.deleteObjects(this.name, [record]);
        } else {
          map.set(k, record);
          await this.options.store.upsertObjects(this.name, [record]);
        }
        this.rebuildRelated();
        await this.rejudge([before, type === 'DELETED' ? undefined : record]);
      },
      onError: (reason: string) => this.degrade(kind.kind, reason),
    };
  }

  private secretHandler(_kind: WatchedKind) {
    const writer = this.options.writer;
    return {
      onListStart: async () => {
        await writer.flush();
        this.listStartedAt = this.options.context().now().toISOString();
        const versions = await this.options.store.listLiveVersions(this.name);
        this.live = new Map(versions.map(v => [v.id, v.resourceVersion]));
      },
      onListPage: async (items: RawObject[]) => {
        const ctx = this.options.context();
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          // Each Secret's parsed JSON dies once its row is built, not with
          // the page: a page held whole across young-generation collections
          // was promoted whole, and in about a third of 100,000-Secret scans
          // the old generation then grew by some 70 MB before any full
          // collection (peak RSS 290–320 MB against 240–260).
          (items as Array<RawObject | undefined>)[i] = undefined;
          const ns = item.metadata?.namespace ?? '';
          if (!this.options.namespaces.allows(ns)) continue;
          const id = certificateId(this.name, ns, item.metadata?.name ?? '');
          // What stays in `live` after the list is gone; no set of all ids seen.
          const before = this.live.get(id);
          this.live.delete(id);
          const rv = item.metadata?.resourceVersion;
          if (!this.forceReparse && rv && before === rv) continue;
          writer.upsert(
            rowFromSecret(
              this.name,
              item,
              this.relatedFor(ns, item.metadata?.name ?? ''),
              ctx,
            ),
          );
        }
        // Bounded memory: the next page is parsed (ResourceSync fetches it
        // meanwhile) once the writer is ready for more, which on a database
        // server is once this page's rows are committed.
        await writer.readyForMore();
      },
      onListDone: async () => {
        for (const id of this.live.keys()) writer.gone(id);
        this.live = new Map();
        this.forceReparse = false;
        await writer.flush();
        const at = this.options.context().now();
        // Rows the list wrote carry its time already; the others get it once
        // their last-seen time is older than the resolution.
        const resolution = this.options.lastSeenResolutionMs ?? 0;
        const staleBefore = new Date(at.getTime() - resolution).toISOString();
        const seenBefore =
          this.listStartedAt && this.listStartedAt < staleBefore
            ? this.listStartedAt
            : staleBefore;
        await this.options.store.touchCluster(
          this.name,
          at.toISOString(),
          seenBefore,
        );
        this.secretsListed = true;
        this.errors.delete('Secret');
        this.errors.delete('discovery');
        this.setStatus('ok');
      },
      onEvent: (type: string, item: RawObject, receivedAt: bigint) => {
        const ns = item.metadata?.namespace ?? '';
        const name = item.metadata?.name ?? '';
        if (!this.options.namespaces.allows(ns)) return;
        if (type === 'DELETED') {
          writer.gone(certificateId(this.name, ns, name), receivedAt);
        } else {
          writer.upsert(
            rowFromSecret(
              this.name,
              item,
              this.relatedFor(ns, name),
              this.options.context(),
            ),
            receivedAt,
          );
        }
      },
      onError: (reason: string) => this.degrade('Secret', reason),
    };
  }

  private degrade(source: string, reason: string) {
    this.errors.set(source, reason);
    this.setStatus('degraded', `${source}: ${reason}`);
  }

  /**
   * A kind listed again after failing: the status is recomputed now, not at
   * the next Secret list, which a healthy Secret watch may not need for
   * hours. ('ok' stays degraded while another kind still fails.)
   */
  private clearError(source: string) {
    if (!this.errors.delete(source)) return;
    this.setStatus(this.secretsListed || this.errors.size ? 'ok' : 'syncing');
  }

  private setStatus(state: 'ok' | 'degraded' | 'syncing', reason?: string) {
    // A kind that still fails keeps the cluster degraded after a good Secret list.
    if (state === 'ok' && this.errors.size > 0) {
      const [source, r] = [...this.errors.entries()][0];
      this.lastState = 'degraded';
      this.options.onStatus?.('degraded', `${source}: ${r}`);
      return;
    }
    this.lastState = state;
    this.options.onStatus?.(state, reason);
  }

  get state(): 'ok' | 'degraded' | 'syncing' | undefined {
    return this.lastState;
  }
}
