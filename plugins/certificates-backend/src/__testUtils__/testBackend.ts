import {
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { certificatesPlugin } from '../plugin';
import { paymentsEntity, TEST_ENCRYPTION_KEY } from './fixtures';
import { allowAllPermissions } from './harness';

/** Where the plugin's routes are mounted on a test backend. */
export const API = '/api/certificates';

/** Who calls: a user name (user:default/<name>), 'service' or 'none' (signed out). */
export type Caller = string;

function authorization(who: Caller): string {
  if (who === 'none') return mockCredentials.none.header();
  if (who === 'service') return mockCredentials.service.header();
  return mockCredentials.user.header(`user:default/${who}`);
}

/**
 * The plugin's database on `knex`, and `certificates` as its configuration
 * (`backend`: more `backend.*` keys, e.g. auth.externalAccess).
 */
export function pluginStorageAndConfig(
  knex: Knex,
  certificates: Record<string, unknown>,
  backend: Record<string, unknown> = {},
) {
  return [
    mockServices.database.factory({ knex }),
    mockServices.rootConfig.factory({
      data: {
        backend: { baseUrl: 'http://localhost:7007', ...backend } as JsonObject,
        certificates: certificates as JsonObject,
      },
    }),
  ];
}

export interface TestBackendOptions {
  /** The plugin database (a TestDatabases knex). */
  knex: Knex;
  /** `certificates.*` beyond the built-in CA's key. */
  certificates?: Record<string, unknown>;
  /** Catalog entities (default: the payments service of team-pay). */
  entities?: Entity[];
  /** The catalog itself, for a suite that watches it (default: one of `entities`). */
  catalog?: CatalogService;
  /** Default: every permission allowed. */
  permissions?: PermissionsService;
  /** The groups of each user name; users not named are in none. */
  groups?: Record<string, string[]>;
  /** More `backend.*` configuration. */
  backend?: Record<string, unknown>;
  /** More service factories or modules. */
  features?: NonNullable<Parameters<typeof startTestBackend>[0]['features']>;
}

/**
 * The real certificates plugin on a test backend: mock core services, an
 * in-memory catalog, the given database, no clusters. Requests go through
 * the plugin's own router, auth and error handling.
 */
export interface CertificatesTestBackend {
  server: Server;
  permissions: PermissionsService;
  /** What the plugin sent through the notifications service. */
  notifications: { send: jest.Mock };
  /** Rows written: requests, audit records and certificates the CA issued. */
  counts(): Promise<{ requests: number; audit: number; issued: number }>;
  get(path: string, who?: Caller): request.Test;
  post(path: string, who?: Caller): request.Test;
  stop(): Promise<void>;
}

export async function startCertificatesBackend(
  options: TestBackendOptions,
): Promise<CertificatesTestBackend> {
  const permissions = options.permissions ?? allowAllPermissions();
  const groups = options.groups ?? {};
  const notifications = { send: jest.fn(async () => undefined) };
  const backend = await startTestBackend({
    features: [
      certificatesPlugin,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => notifications,
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => undefined }),
      }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () =>
          options.catalog ??
          catalogServiceMock({
            entities: options.entities ?? [paymentsEntity],
          }),
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials) {
            const ref = (credentials.principal as BackstageUserPrincipal)
              .userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(groups[ref.split('/')[1]] ?? [])],
            };
          },
        }),
      }),
      ...pluginStorageAndConfig(
        options.knex,
        {
          builtinCa: { encryptionKey: TEST_ENCRYPTION_KEY },
          ...options.certificates,
        },
        options.backend,
      ),
      ...(options.features ?? []),
    ],
  });
  const send = (
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    who: Caller,
  ) => {
    return request(backend.server)
      [method](`${API}${path}`)
      .set('Authorization', authorization(who));
  };
  const count = async (table: string) =>
    Number((await options.knex(table).count({ n: '*' }))[0].n);
  return {
    server: backend.server as unknown as Server,
    permissions,
    notifications,
    counts: async () => ({
      requests: await count('certificates_requests'),
      audit: await count('certificates_audit'),
      issued: await count('certificates_ca_issued'),
    }),
    get: (path: string, who: Caller = 'alice') => send('get', path, who),
    post: (path: string, who: Caller = 'alice') => send('post', path, who),
    stop: () => backend.stop(),
  };
}
