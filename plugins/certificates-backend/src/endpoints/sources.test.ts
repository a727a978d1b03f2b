import { KubernetesObjectRecord } from '../inventory/store';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { certificateId } from '../inventory/parsing';
import {
  entityEndpoints,
  loadClusterEndpoints,
  loadEntityEndpoints,
  MAX_DEFINITION_BYTES,
  mergeEndpoints,
  parseDefinition,
} from './sources';

const component = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'web', annotations },
  spec: { owner: 'team-a' },
});

describe('entityEndpoints', () => {
  it('reads the annotation, owned by the entity and its owner', () => {
    const { endpoints, errors } = entityEndpoints(
      component({
        'kubecerts.dev/tls-endpoints':
          'web.example.com, web.example.com:8443, nope!',
      }),
      20,
    );
    expect(endpoints).toEqual([
      expect.objectContaining({
        host: 'web.example.com',
        port: 443,
        source: 'annotation',
        entityRef: 'component:default/web',
        ownerRef: 'group:default/team-a',
      }),
      expect.objectContaining({ port: 8443 }),
    ]);
    expect(errors).toHaveLength(1);
  });

  it("reads an API's https servers from YAML or JSON, within the cap", () => {
    const api = (definition: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: 'orders',
        annotations: { 'kubecerts.dev/tls-endpoints': 'a.example.com' },
      },
      spec: { type: 'openapi', owner: 'team-a', definition },
    });
    const yaml = `openapi: 3.0.0\nservers:\n  - url: https://orders.example.com/v1\n  - url: http://plain.example.com\n  - url: https://b.example.com\n`;
    expect(entityEndpoints(api(yaml), 20).endpoints.map(e => e.host)).toEqual([
      'a.example.com',
      'orders.example.com',
      'b.example.com',
    ]);
    expect(entityEndpoints(api(yaml), 2).endpoints).toHaveLength(2);
    const json = JSON.stringify({
      servers: [{ url: 'https://j.example.com' }],
    });
    expect(
      entityEndpoints(api(json), 20).endpoints.map(e => [e.host, e.source]),
    ).toEqual([
      ['a.example.com', 'annotation'],
      ['j.example.com', 'api'],
    ]);
  });

  it('refuses oversized, aliased or broken definitions without throwing', () => {
    expect(
      parseDefinition('x'.repeat(MAX_DEFINITION_BYTES + 1)),
    ).toBeUndefined();
    const bomb = `a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\nservers: []\n`;
    expect(parseDefinition(bomb)).toBeUndefined();
    expect(parseDefinition('{ not json')).toBeUndefined();
    expect(parseDefinition(42)).toBeUndefined();
  });
});

describe('cluster endpoints', () => {
  it('lists Ingress and Gateway TLS hosts with their Secret, skipping wildcards and simulated clusters', async () => {
    const store = {
      listClusters: async () =>
        [
          { name: 'prod', simulated: false },
          { name: 'demo', simulated: true },
        ] as any,
      listObjects: async (_cluster: string, kind?: string) =>
        kind === 'Ingress'
          ? [
              {
                kind: 'Ingress',
                namespace: 'web',
                name: 'web',
                data: {},
                refs: [
                  {
                    secretNamespace: 'web',
                    secretName: 'web-tls',
                    hosts: ['web.example.com', '*.example.com'],
                  },
                ],
              },
            ]
          : [],
    };
    expect(await loadClusterEndpoints(store)).toEqual([
      {
        host: 'web.example.com',
        port: 443,
        source: 'ingress',
        origin: 'prod/Ingress/web/web',
        namespace: 'web',
        secret: {
          id: certificateId('prod', 'web', 'web-tls'),
          name: 'web/web-tls',
        },
      },
    ]);
  });

  it("scans a Gateway's hosts on their listeners' ports, and a Gateway stored before listeners were kept on 443", async () => {
    const gateway = (
      name: string,
      data: Record<string, unknown>,
    ): KubernetesObjectRecord => ({
      kind: 'Gateway',
      namespace: 'edge',
      name,
      data,
      refs: [
        {
          secretNamespace: 'ops',
          secretName: 'admin-tls',
          hosts: ['admin.example.com'],
        },
      ],
    });
    const store = {
      listClusters: async () => [{ name: 'prod', simulated: false }] as any,
      listObjects: async (_cluster: string, kind?: string) =>
        kind === 'Gateway'
          ? [
              gateway('gw', {
                tlsListeners: [
                  {
                    hostname: 'admin.example.com',
                    port: 8443,
                    secrets: ['ops/admin-tls'],
                  },
                  {
                    hostname: 'admin.example.com',
                    port: 443,
                    secrets: ['ops/admin-tls'],
                  },
                ],
              }),
              gateway('old', {}),
            ]
          : [],
    };
    const found = await loadClusterEndpoints(store);
    expect(found.map(e => [e.origin, e.host, e.port, e.secret?.name])).toEqual([
      ['prod/Gateway/edge/gw', 'admin.example.com', 8443, 'ops/admin-tls'],
      ['prod/Gateway/edge/gw', 'admin.example.com', 443, 'ops/admin-tls'],
      ['prod/Gateway/edge/old', 'admin.example.com', 443, 'ops/admin-tls'],
    ]);
    expect(found[0].secret?.id).toBe(certificateId('prod', 'ops', 'admin-tls'));
  });

  it('merges one endpoint per host:port, the Ingress entry first', () => {
    const fromEntity = {
      host: 'h.example.com',
      port: 443,
      source: 'annotation' as const,
      origin: 'component:default/a',
      entityRef: 'component:default/a',
      ownerRef: 'group:default/a',
    };
    const fromIngress = {
      host: 'h.example.com',
      port: 443,
      source: 'ingress' as const,
      origin: 'prod/Ingress/ns/x',
      secret: { id: 's', name: 'ns/x' },
    };
    for (const order of [
      [fromEntity, fromIngress],
      [fromIngress, fromEntity],
    ]) {
      expect(mergeEndpoints(order)).toEqual([
        {
          ...fromIngress,
          entityRef: 'component:default/a',
          ownerRef: 'group:default/a',
        },
      ]);
    }
  });
});

describe('loadEntityEndpoints', () => {
  it('reads annotated entities and OpenAPI APIs from the catalog', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component({ 'kubecerts.dev/tls-endpoints': 'web.example.com' }),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'API',
          metadata: { name: 'orders' },
          spec: {
            type: 'openapi',
            owner: 'team-b',
            definition: 'servers:\n  - url: https://orders.example.com\n',
          },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'quiet' },
          spec: { owner: 'team-c' },
        },
      ],
    });
    const endpoints = await loadEntityEndpoints({
      catalog,
      auth: mockServices.auth(),
      maxPerEntity: 20,
    });
    expect(endpoints.map(e => [e.host, e.source, e.ownerRef])).toEqual([
      ['web.example.com', 'annotation', 'group:default/team-a'],
      ['orders.example.com', 'api', 'group:default/team-b'],
    ]);
  });
});
