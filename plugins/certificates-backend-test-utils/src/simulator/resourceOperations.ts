import {
  findResourceByPlural,
  groupVersionOf,
  resourceKeyOf,
  SIMULATED_RESOURCES,
  SimulatedResource,
} from './resources';
import {
  objectKey,
  prepareCreate,
  prepareUpdate,
  renderListItem,
} from './objects';
import { applyJsonPatch, applyMergePatch } from './patch';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { StatusError, statusErrors, successStatus } from './status';
import { KubernetesObject, ObjectStore } from './store';
import { decodeContinue, encodeContinue } from './requestParsing';

const NAMESPACES = findResourceByPlural('', 'v1', 'namespaces')!;

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** One object: its resource, namespace (none when cluster-scoped) and name. */
export interface ObjectAddress {
  resource: SimulatedResource;
  namespace: string | undefined;
  name: string;
}

/**
 * A write to the object or its status subresource (default the object),
 * that may be a dry run, with a check that may refuse the change.
 */
export interface WriteOptions {
  target?: 'main' | 'status';
  dryRun?: boolean;
  check?: (before: KubernetesObject, after: KubernetesObject) => void;
}

/** Reads and writes with API server semantics on top of the object store. */
export class ResourceOperations {
  constructor(private readonly store: ObjectStore) {}

  ref(resource: SimulatedResource, name?: string) {
    return { group: resource.group, plural: resource.plural, name };
  }

  get({ resource, namespace, name }: ObjectAddress): KubernetesObject {
    const obj = this.store.get(
      resourceKeyOf(resource),
      objectKey(resource, namespace, name),
    );
    if (!obj) throw statusErrors.notFound(this.ref(resource, name));
    return obj;
  }

  list(resource: SimulatedResource, query: ListQuery) {
    const matchesLabels = parseLabelSelector(query.labelSelector);
    const matchesFields = parseFieldSelector(
      query.fieldSelector,
      resource.fieldLabels,
    );
    const compacted = this.store.compactedRevision;
    let snapshotRv = this.store.currentRevision;
    let start = '';
    if (query.continueToken) {
      const token = decodeContinue(query.continueToken);
      if (token.rv < compacted) {
        const status = statusErrors.expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
        (status.status as any).metadata = {
          continue: encodeContinue(this.store.currentRevision, token.start),
        };
        throw status;
      }
      snapshotRv = token.rv;
      start = token.start;
    } else if (query.resourceVersion && query.resourceVersion !== '0') {
      const requested = Number(query.resourceVersion);
      if (!Number.isInteger(requested))
        throw statusErrors.badRequest(
          `invalid resource version: ${query.resourceVersion}`,
        );
      if (requested > snapshotRv)
        throw statusErrors.tooLargeResourceVersion(requested, snapshotRv);
      if (query.resourceVersionMatch === 'Exact') {
        if (requested < compacted)
          throw statusErrors.expired(
            `too old resource version: ${requested} (${compacted})`,
          );
        snapshotRv = requested;
      }
    }
    const prefix = query.namespace ? `${query.namespace}/` : '';
    const matches = (o: KubernetesObject) =>
      matchesLabels(o) && matchesFields(o);
    const { items: page, more } = this.store.page(resourceKeyOf(resource), {
      atRevision: snapshotRv,
      keyPrefix: prefix,
      start,
      limit: query.limit && query.limit > 0 ? query.limit : undefined,
      matches,
    });
    const metadata: Record<string, unknown> = {
      resourceVersion: String(snapshotRv),
    };
    if (more) {
      const next = `${page[page.length - 1].key}\u0000`;
      metadata.continue = encodeContinue(snapshotRv, next);
      if (!query.labelSelector && !query.fieldSelector) {
        metadata.remainingItemCount = this.store.page(resourceKeyOf(resource), {
          atRevision: snapshotRv,
          keyPrefix: prefix,
          start: next,
        }).items.length;
      }
    }
    return {
      kind: `${resource.kind}List`,
      apiVersion: groupVersionOf(resource),
      metadata,
      items: page.map(e => renderListItem(resource, e.object)),
    };
  }

  create(
    resource: SimulatedResource,
    namespace: string | undefined,
    body: unknown,
    dryRun = false,
  ): KubernetesObject {
    const obj = prepareCreate(resource, body, namespace);
    const ns = obj.metadata.namespace;
    if (
      resource.namespaced &&
      !this.store.get(resourceKeyOf(NAMESPACES), ns!)
    ) {
      throw statusErrors.notFound({
        group: '',
        plural: 'namespaces',
        name: ns,
      });
    }
    const key = objectKey(resource, ns, obj.metadata.name);
    if (this.store.get(resourceKeyOf(resource), key)) {
      throw statusErrors.alreadyExists(this.ref(resource, obj.metadata.name));
    }
    if (dryRun) return obj;
    return this.store.write(resourceKeyOf(resource), key, obj)!.object;
  }

  /** Replaces an object; a stale metadata.resourceVersion in the body is a 409. */
  update(
    at: ObjectAddress,
    body: unknown,
    options: WriteOptions = {},
  ): KubernetesObject {
    const { resource, namespace, name } = at;
    const existing = this.get(at);
    const expected = (body as KubernetesObject | undefined)?.metadata
      ?.resourceVersion;
    if (expected && expected !== existing.metadata.resourceVersion) {
      throw statusErrors.conflict(this.ref(resource, name));
    }
    const obj = prepareUpdate(
      resource,
      existing,
      body,
      options.target ?? 'main',
    );
    options.check?.(existing, obj);
    if (options.dryRun) return obj;
    if (
      JSON.stringify({
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: undefined },
      }) ===
      JSON.stringify({
        ...existing,
        metadata: { ...existing.metadata, resourceVersion: undefined },
      })
    ) {
      // A no-op write keeps the resourceVersion and sends no event, as on a real server.
      return existing;
    }
    return this.store.write(
      resourceKeyOf(resource),
      objectKey(resource, namespace, name),
      obj,
    )!.object;
  }

  patch(
    at: ObjectAddress,
    contentType: string,
    patch: unknown,
    options: WriteOptions = {},
  ): KubernetesObject {
    const existing = this.get(at);
    let patched: unknown;
    if (contentType === 'application/merge-patch+json') {
      patched = applyMergePatch(existing, patch);
    } else if (contentType === 'application/json-patch+json') {
      patched = applyJsonPatch(existing, patch);
    } else if (
      contentType === 'application/strategic-merge-patch+json' &&
      at.resource.builtin
    ) {
      // Approximation: lists are replaced rather than merged by key.
      patched = applyMergePatch(existing, patch);
    } else {
      throw statusErrors.unsupportedMediaType(contentType);
    }
    return this.update(at, patched, options);
  }

  delete(
    at: ObjectAddress,
    preconditions?: { resourceVersion?: string; uid?: string },
    dryRun = false,
  ) {
    const { resource, name } = at;
    const existing = this.get(at);
    if (
      (preconditions?.resourceVersion &&
        preconditions.resourceVersion !== existing.metadata.resourceVersion) ||
      (preconditions?.uid && preconditions.uid !== existing.metadata.uid)
    ) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource.plural} "${name}": the precondition for the delete did not match`,
      );
    }
    if (!dryRun) this.remove(at);
    return successStatus({
      name,
      group: resource.group,
      kind: resource.plural,
      uid: existing.metadata.uid,
    });
  }

  /** Deletes without checks; deleting a namespace deletes what it contains. */
  remove({ resource, namespace, name }: ObjectAddress): boolean {
    if (resource === NAMESPACES) {
      for (const r of this.namespacedResources()) {
        for (const { object } of this.store.snapshot(
          resourceKeyOf(r),
          this.store.currentRevision,
          `${name}/`,
        )) {
          this.store.write(
            resourceKeyOf(r),
            objectKey(r, name, object.metadata.name),
            null,
          );
        }
      }
    }
    return !!this.store.write(
      resourceKeyOf(resource),
      objectKey(resource, namespace, name),
      null,
    );
  }

  private namespacedResources() {
    return SIMULATED_RESOURCES.filter(r => r.namespaced);
  }
}
