import { AuthService } from '@backstage/backend-plugin-api';
import {
  CATALOG_FILTER_EXISTS,
  GetEntitiesRequest,
} from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  openApiServerTargets,
  parseEndpointList,
  parseEndpoint,
  TLS_ENDPOINTS_ANNOTATION,
} from '@kubecerts/backstage-plugin-certificates-common';
import { parse as parseYaml } from 'yaml';
import { ownerRefOf } from '../discovery/catalogEntities';
import { certificateId } from '../inventory/parsing';
import { InventoryStore, KubernetesObjectRecord } from '../inventory/store';
import { DeclaredEndpoint } from './judgeEndpoint';

/** API definitions larger than this are not read for servers. */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/** An OpenAPI document from a definition string, or undefined; never throws. */
export function parseDefinition(definition: unknown): unknown {
  if (typeof definition !== 'string') return undefined;
  if (definition.length > MAX_DEFINITION_BYTES) return undefined;
  try {
    const text = definition.trim();
    // Aliases are refused: a few lines of YAML can expand to gigabytes.
    return text.startsWith('{')
      ? JSON.parse(text)
      : parseYaml(text, { maxAliasCount: 0, schema: 'core' });
  } catch {
    return undefined;
  }
}

/**
 * The endpoints an entity declares: its annotation, and for an API entity
 * the https servers of its OpenAPI definition; at most `max` in all.
 */
export function entityEndpoints(
  entity: Entity,
  max: number,
): { endpoints: DeclaredEndpoint[]; errors: string[] } {
  const entityRef = stringifyEntityRef(entity);
  const base = { origin: entityRef, entityRef, ownerRef: ownerRefOf(entity) };
  const annotated = parseEndpointList(
    entity.metadata.annotations?.[TLS_ENDPOINTS_ANNOTATION],
    max,
  );
  const endpoints: DeclaredEndpoint[] = annotated.targets.map(t => ({
    ...t,
    ...base,
    source: 'annotation',
  }));
  const errors = [...annotated.errors];
  const room = max - endpoints.length;
  if (entity.kind.toLowerCase() === 'api' && room > 0) {
    const servers = openApiServerTargets(
      parseDefinition(entity.spec?.definition),
      room,
    );
    endpoints.push(
      ...servers.targets.map(t => ({ ...t, ...base, source: 'api' as const })),
    );
    errors.push(...servers.errors);
  }
  return { endpoints, errors };
}

/** Entities that may declare endpoints: annotated ones and OpenAPI APIs. */
const DECLARING_ENTITIES: GetEntitiesRequest = {
  filter: [
    {
      [`metadata.annotations.${TLS_ENDPOINTS_ANNOTATION}`]:
        CATALOG_FILTER_EXISTS,
    },
    { kind: 'API', 'spec.type': 'openapi' },
  ],
  fields: ['kind', 'metadata', 'spec.owner', 'spec.definition'],
};

/** Entities that declare endpoints, read with the plugin's own credentials. */
export async function loadEntityEndpoints(options: {
  catalog: CatalogService;
  auth: AuthService;
  maxPerEntity: number;
}): Promise<DeclaredEndpoint[]> {
  const { items } = await options.catalog.getEntities(DECLARING_ENTITIES, {
    credentials: await options.auth.getOwnServiceCredentials(),
  });
  return items.flatMap(e => entityEndpoints(e, options.maxPerEntity).endpoints);
}

/**
 * Each TLS host an Ingress or Gateway serves, with its port and Secret
 * (`namespace/name`): a Gateway's from its TLS listeners; an Ingress's,
 * and a Gateway's stored before listeners were kept, on 443.
 */
function servedHosts(
  object: KubernetesObjectRecord,
): Array<{ host: string; port?: number; secret: string }> {
  const listeners = (object.data as { tlsListeners?: unknown }).tlsListeners;
  if (object.kind === 'Gateway' && Array.isArray(listeners)) {
    return listeners.flatMap(l =>
      typeof l?.hostname === 'string' &&
      Array.isArray(l.secrets) &&
      typeof l.secrets[0] === 'string'
        ? [
            {
              host: l.hostname,
              port: Number.isInteger(l.port) ? l.port : undefined,
              secret: l.secrets[0],
            },
          ]
        : [],
    );
  }
  return object.refs.flatMap(r =>
    r.hosts.map(host => ({
      host,
      secret: `${r.secretNamespace}/${r.secretName}`,
    })),
  );
}

/**
 * The TLS hosts of the Ingresses and Gateways discovery stored, each with
 * the Secret behind it. Wildcard hosts name no endpoint to connect to.
 */
export async function loadClusterEndpoints(
  store: Pick<InventoryStore, 'listClusters' | 'listObjects'>,
): Promise<DeclaredEndpoint[]> {
  const out: DeclaredEndpoint[] = [];
  for (const cluster of await store.listClusters()) {
    // A simulated cluster's hosts exist nowhere: scanning them says nothing.
    if (cluster.simulated) continue;
    for (const kind of ['Ingress', 'Gateway'] as const) {
      for (const object of await store.listObjects(cluster.name, kind)) {
        for (const served of servedHosts(object)) {
          const { target } = parseEndpoint(served.host);
          if (!target || served.host.includes('*')) continue;
          const [secretNamespace, secretName] = served.secret.split('/');
          out.push({
            ...target,
            port: served.port ?? target.port,
            source: kind === 'Ingress' ? 'ingress' : 'gateway',
            origin: `${cluster.name}/${kind}/${object.namespace}/${object.name}`,
            namespace: object.namespace,
            secret: {
              id: certificateId(cluster.name, secretNamespace, secretName),
              name: served.secret,
            },
          });
        }
      }
    }
  }
  return out;
}

/**
 * One endpoint per host:port. A cluster object's entry wins (it knows the
 * Secret behind the host, whose owner then owns the endpoint); a declaring
 * entity owns it only where that Secret has no owner (see rowFromScan).
 */
export function mergeEndpoints(all: DeclaredEndpoint[]): DeclaredEndpoint[] {
  const byKey = new Map<string, DeclaredEndpoint>();
  for (const e of all) {
    const key = `${e.host}:${e.port}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, e);
      continue;
    }
    const [first, second] = seen.secret || !e.secret ? [seen, e] : [e, seen];
    byKey.set(key, {
      ...first,
      entityRef: first.entityRef ?? second.entityRef,
      ownerRef: first.entityRef ? first.ownerRef : second.ownerRef,
    });
  }
  return [...byKey.values()];
}
