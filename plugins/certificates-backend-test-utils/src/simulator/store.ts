/** A Kubernetes object as the simulator stores it (always with kind/apiVersion). */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What the control API accepts: any object with apiVersion, kind and a name. */
export interface KubernetesObjectInput {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, kept in the history that watches replay from. */
export interface StoreEvent {
  rv: number;
  resourceKey: string;
  type: WatchEventType;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubernetesObject;
  /** The object before the change, so selector watches can turn updates into ADDED/DELETED. */
  previous?: KubernetesObject;
}

interface Version {
  rv: number;
  object: KubernetesObject | null;
}

/**
 * A multi-version object store with etcd-like semantics: one global revision
 * counter, reads at a past revision (for consistent paged lists) and an event
 * history that compaction truncates.
 */
export class ObjectStore {
  private rv = 1;
  private compacted = 0;
  private readonly entries = new Map<string, Map<string, Version[]>>();
  /** Keys of each resource in order, rebuilt after keys were added or removed. */
  private readonly sortedKeys = new Map<string, string[]>();
  private events: StoreEvent[] = [];
  private readonly revisionTimes: Array<{ rv: number; at: number }> = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  get currentRevision(): number {
    return this.rv;
  }

  /** Revisions below this are forgotten: reads and watches from them answer 410. */
  get compactedRevision(): number {
    return this.compacted;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(resourceKey: string, key: string): KubernetesObject | undefined {
    const versions = this.entries.get(resourceKey)?.get(key);
    const last = versions?.[versions.length - 1];
    return last?.object ? structuredClone(last.object) : undefined;
  }

  /** Objects of one resource as of `atRevision`, sorted by key (namespace/name). */
  snapshot(
    resourceKey: string,
    atRevision: number,
    keyPrefix = '',
  ): Array<{ key: string; object: KubernetesObject }> {
    const result: Array<{ key: string; object: KubernetesObject }> = [];
    for (const [key, versions] of this.entries.get(resourceKey) ?? []) {
      if (!key.startsWith(keyPrefix)) continue;
      let found: Version | undefined;
      for (const v of versions) {
        if (v.rv <= atRevision) found = v;
      }
      if (found?.object) result.push({ key, object: found.object });
    }
    return result.sort((a, b) => {
      if (a.key === b.key) return 0;
      return a.key < b.key ? -1 : 1;
    });
  }

  /**
   * One page of a list as of `atRevision`: objects whose key starts with
   * `keyPrefix`, is at least `start` and passes `matches`, in key order, at
   * most `limit` (all when undefined). `more` tells whether another match
   * follows. Walks keys from `start` like etcd's range read, so paging
   * through a large collection costs each page only its own size.
   */
  page(
    resourceKey: string,
    options: {
      atRevision: number;
      keyPrefix?: string;
      start?: string;
      limit?: number;
      matches?: (object: KubernetesObject) => boolean;
    },
  ): {
    items: Array<{ key: string; object: KubernetesObject }>;
    more: boolean;
  } {
    const byKey = this.entries.get(resourceKey);
    const items: Array<{ key: string; object: KubernetesObject }> = [];
    if (!byKey) return { items, more: false };
    const keys = this.keysOf(resourceKey, byKey);
    const prefix = options.keyPrefix ?? '';
    const from =
      options.start && options.start > prefix ? options.start : prefix;
    const limit = options.limit ?? Infinity;
    for (let i = lowerBound(keys, from); i < keys.length; i++) {
      const key = keys[i];
      if (!key.startsWith(prefix)) break;
      const object = versionAt(byKey.get(key)!, options.atRevision);
      if (!object || (options.matches && !options.matches(object))) continue;
      if (items.length === limit) return { items, more: true };
      items.push({ key, object });
    }
    return { items, more: false };
  }

  private keysOf(resourceKey: string, byKey: Map<string, Version[]>): string[] {
    let keys = this.sortedKeys.get(resourceKey);
    if (!keys) {
      keys = [...byKey.keys()].sort();
      this.sortedKeys.set(resourceKey, keys);
    }
    return keys;
  }

  /**
   * Writes (or with `object: null` deletes) one object at a new revision and
   * notifies subscribers. Returns the stored copy.
   */
  write(
    resourceKey: string,
    key: string,
    object: KubernetesObject | null,
  ): StoreEvent | undefined {
    let byKey = this.entries.get(resourceKey);
    if (!byKey) {
      byKey = new Map();
      this.entries.set(resourceKey, byKey);
    }
    const versions = byKey.get(key) ?? [];
    if (versions.length === 0) this.sortedKeys.delete(resourceKey);
    const previous = versions[versions.length - 1]?.object ?? undefined;
    if (!object && !previous) return undefined;
    const rv = this.bump();
    const stored = structuredClone(object ?? previous!);
    stored.metadata.resourceVersion = String(rv);
    versions.push({ rv, object: object ? stored : null });
    byKey.set(key, versions);
    let type: StoreEvent['type'] = previous ? 'MODIFIED' : 'ADDED';
    if (!object) type = 'DELETED';
    const event: StoreEvent = {
      rv,
      resourceKey,
      type,
      object: stored,
      previous,
    };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Events with a revision above `rv`, oldest first. */
  eventsSince(rv: number): StoreEvent[] {
    return this.events.filter(e => e.rv > rv);
  }

  /**
   * Forgets history before `revision` (default: everything up to now, and
   * the revision counter moves on so every handed-out revision is too old).
   */
  compact(revision?: number): void {
    const target = revision ?? this.bump();
    if (target <= this.compacted) return;
    this.compacted = target;
    for (const byKey of this.entries.values()) {
      for (const [key, versions] of byKey) {
        const kept: Version[] = [];
        let lastBefore: Version | undefined;
        for (const v of versions) {
          if (v.rv < target) lastBefore = v;
          else kept.push(v);
        }
        if (lastBefore?.object) kept.unshift(lastBefore);
        if (kept.length) byKey.set(key, kept);
        else byKey.delete(key);
        if (!kept.length) this.sortedKeys.clear();
      }
    }
    this.events = this.events.filter(e => e.rv > target);
    while (this.revisionTimes.length && this.revisionTimes[0].rv <= target) {
      this.revisionTimes.shift();
    }
  }

  /** Compacts revisions written longer than `ttlMs` ago, as etcd's periodic compaction does. */
  compactOlderThan(ttlMs: number, now: number): void {
    let target: number | undefined;
    for (const entry of this.revisionTimes) {
      if (entry.at > now - ttlMs) break;
      target = entry.rv;
    }
    if (target !== undefined) this.compact(target);
  }

  private bump(): number {
    this.rv += 1;
    this.revisionTimes.push({ rv: this.rv, at: Date.now() });
    return this.rv;
  }
}

/** First index whose key is not below `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The object as of `revision` (null: deleted or not yet created). */
function versionAt(
  versions: Version[],
  revision: number,
): KubernetesObject | null {
  for (let i = versions.length - 1; i >= 0; i--) {
    if (versions[i].rv <= revision) return versions[i].object;
  }
  return null;
}
