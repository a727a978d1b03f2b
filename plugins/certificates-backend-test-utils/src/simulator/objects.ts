import { randomUUID } from 'node:crypto';
import { groupVersionOf, SimulatedResource } from './resources';
import { statusErrors } from './status';
import { KubernetesObject } from './store';

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 3339 without fractional seconds, as Kubernetes renders timestamps. */
export function kubernetesTimestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The storage key of an object: `namespace/name` or `name` when cluster-scoped. */
export function objectKey(
  resource: SimulatedResource,
  namespace: string | undefined,
  name: string,
): string {
  return resource.namespaced ? `${namespace}/${name}` : name;
}

function validate(resource: SimulatedResource, obj: KubernetesObject): void {
  const name = obj.metadata?.name;
  const pattern = resource.kind === 'Namespace' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!name) {
    throw statusErrors.invalid(
      resource.kind,
      name,
      'metadata.name: Required value: name or generateName is required',
    );
  }
  if (!pattern.test(name) || name.length > 253) {
    throw statusErrors.invalid(
      resource.kind,
      name,
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 name must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  if (resource.kind === 'Secret' && obj.type === 'kubernetes.io/tls') {
    const data = (obj.data ?? {}) as Record<string, string>;
    for (const key of ['tls.crt', 'tls.key']) {
      if (!(key in data)) {
        throw statusErrors.invalid(
          resource.kind,
          name,
          `data[${key}]: Required value`,
        );
      }
    }
  }
}

function normalise(resource: SimulatedResource, body: any): KubernetesObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw statusErrors.badRequest(
      'the body of the request must be a JSON object',
    );
  }
  const apiVersion = groupVersionOf(resource);
  if (
    (body.kind && body.kind !== resource.kind) ||
    (body.apiVersion && body.apiVersion !== apiVersion)
  ) {
    throw statusErrors.badRequest(
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersion}) or kind (${body.kind}) does not match ${resource.kind}`,
    );
  }
  const obj = structuredClone(body) as KubernetesObject;
  obj.apiVersion = apiVersion;
  obj.kind = resource.kind;
  obj.metadata = { ...(obj.metadata ?? {}) } as KubernetesObject['metadata'];
  if (resource.kind === 'Secret' && obj.stringData) {
    const data = { ...((obj.data ?? {}) as Record<string, string>) };
    for (const [k, v] of Object.entries(
      obj.stringData as Record<string, string>,
    )) {
      data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    obj.data = data;
    delete obj.stringData;
  }
  if (resource.kind === 'Secret' && !obj.type) obj.type = 'Opaque';
  return obj;
}

function checkNamespace(
  resource: SimulatedResource,
  obj: KubernetesObject,
  namespace: string | undefined,
) {
  if (!resource.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (
    obj.metadata.namespace &&
    namespace &&
    obj.metadata.namespace !== namespace
  ) {
    throw statusErrors.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  obj.metadata.namespace = obj.metadata.namespace || namespace;
  if (!obj.metadata.namespace) {
    throw statusErrors.badRequest(
      'an empty namespace may not be set during creation',
    );
  }
}

const specOf = (obj: KubernetesObject) => {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
};

/** Builds the object to store for a create: server-owned metadata assigned. */
export function prepareCreate(
  resource: SimulatedResource,
  body: unknown,
  namespace: string | undefined,
): KubernetesObject {
  const obj = normalise(resource, body);
  checkNamespace(resource, obj, namespace);
  if (!obj.metadata.name && typeof obj.metadata.generateName === 'string') {
    obj.metadata.name = `${obj.metadata.generateName}${randomUUID()
      .replace(/-/g, '')
      .slice(0, 5)}`;
  }
  validate(resource, obj);
  obj.metadata.uid = randomUUID();
  obj.metadata.creationTimestamp = kubernetesTimestamp();
  delete obj.metadata.resourceVersion;
  if (resource.hasGeneration) obj.metadata.generation = 1;
  if (resource.kind === 'Namespace') obj.status = { phase: 'Active' };
  return obj;
}

/**
 * Builds the object to store for an update. Through the main endpoint the
 * status of a resource with a status subresource is kept; through `/status`
 * only the status changes. Spec changes bump metadata.generation.
 */
export function prepareUpdate(
  resource: SimulatedResource,
  existing: KubernetesObject,
  body: unknown,
  target: 'main' | 'status',
): KubernetesObject {
  const incoming = normalise(resource, body);
  const name = existing.metadata.name;
  if (incoming.metadata.name && incoming.metadata.name !== name) {
    throw statusErrors.badRequest(
      `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (
    resource.namespaced &&
    incoming.metadata.namespace &&
    incoming.metadata.namespace !== existing.metadata.namespace
  ) {
    throw statusErrors.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  let obj: KubernetesObject;
  if (target === 'status') {
    obj = structuredClone(existing);
    if (incoming.status === undefined) delete obj.status;
    else obj.status = incoming.status;
  } else {
    obj = incoming;
    if (resource.statusSubresource) {
      if (existing.status === undefined) delete obj.status;
      else obj.status = structuredClone(existing.status);
    }
  }
  obj.metadata.name = name;
  if (resource.namespaced) obj.metadata.namespace = existing.metadata.namespace;
  obj.metadata.uid = existing.metadata.uid;
  obj.metadata.creationTimestamp = existing.metadata.creationTimestamp;
  if (resource.hasGeneration) {
    const generation = existing.metadata.generation ?? 1;
    obj.metadata.generation =
      specOf(obj) !== specOf(existing) ? generation + 1 : generation;
  }
  validate(resource, obj);
  return obj;
}

/** An object as it appears in a list response. */
export function renderListItem(
  resource: SimulatedResource,
  obj: KubernetesObject,
): unknown {
  if (!resource.builtin) return obj;
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}
