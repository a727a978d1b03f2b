import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateIssuer } from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';
import type { DecideInput } from '../approvals';
import { readCertificatesSettings } from '../config';
import { createServices } from '../createServices';
import { CallerIdentity } from '../service/identity';
import {
  DatabaseId,
  migratedDatabase,
  PAYMENTS_TEAM,
  paymentsEntity,
  SECURITY_GROUP,
  TEST_ENCRYPTION_KEY,
  userCaller,
} from './fixtures';

/** An approver: a user in the security group. */
export const approver = (name: string): CallerIdentity =>
  userCaller(name, [SECURITY_GROUP]);

/** One decision on a request; a name stands for an approver. */
export function decideAs(
  decider: { decide(input: DecideInput): Promise<CertificateRequest> },
  who: string | CallerIdentity,
  requestId: string,
  decision: DecideInput['decision'],
  reason?: string,
): Promise<CertificateRequest> {
  const caller = typeof who === 'string' ? approver(who) : who;
  return decider.decide({ caller, requestId, decision, reason });
}

/** A user in the payments team, owner of the payments service. */
export const paymentsOwner = (name: string): CallerIdentity =>
  userCaller(name, [PAYMENTS_TEAM]);

/** The one policy of most suites: names after the entity under example.com, approved at once. */
export function servicesPolicy(
  overrides: Partial<CertificatePolicy> = {},
): CertificatePolicy {
  return {
    name: 'services',
    allowedDnsNames: ['{{entity.name}}.example.com'],
    autoApprove: true,
    ...overrides,
  };
}

/** A catalog user in `groups`, with the relations the catalog would emit. */
export function userEntity(userEntityRef: string, groups: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: userEntityRef.split('/')[1], namespace: 'default' },
    spec: { memberOf: groups, profile: {} },
    relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
  };
}

/** A permission policy that allows everything (the backend's own rules still hold). */
export function allowAllPermissions() {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(async reqs =>
    reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
  );
  permissions.authorize.mockImplementation(async reqs =>
    reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
  );
  return permissions;
}

export interface HarnessOptions {
  /** Start "again" on the database of an earlier harness (another replica). */
  knex?: Knex;
  /** Catalog entities (default: the payments service of team-pay). */
  entities?: Entity[];
  /** Used as given, so a test may change a policy while the backend runs. */
  policies?: CertificatePolicy[];
  /** More `certificates.*` configuration. */
  certificates?: Record<string, unknown>;
  /** Issuers of modules, after the built-in CA. */
  moduleIssuers?: CertificateIssuer[];
  /** Default: every permission allowed. */
  permissions?: PermissionsService;
  /** The clock of the CA and of renewals (default: the real one). */
  now?: () => Date;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

/**
 * The plugin's production object graph (createServices) on a migrated test
 * database, with doubles for the catalog, permissions, notifications,
 * signals and the clock. Several harnesses on one knex stand for several
 * replicas of one backend.
 */
export async function createHarness(
  databases: TestDatabases,
  databaseId: DatabaseId,
  options: HarnessOptions = {},
) {
  const knex = options.knex ?? (await migratedDatabase(databases, databaseId));
  const config = new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    certificates: {
      builtinCa: { encryptionKey: TEST_ENCRYPTION_KEY },
      ...options.certificates,
    },
  });
  const policies = options.policies ?? [servicesPolicy()];
  const settings = { ...readCertificatesSettings(config), policies };
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({
    entities: options.entities ?? [paymentsEntity],
  });
  const permissions = options.permissions ?? allowAllPermissions();
  const notifications = { send: jest.fn(async () => undefined) };
  const signals = { publish: jest.fn(async () => undefined) };
  const services = await createServices({
    settings,
    config,
    knex,
    logger,
    userInfo: mockServices.userInfo(),
    permissions,
    auditor: mockServices.auditor.mock(),
    catalog,
    auth: mockServices.auth(),
    notifications,
    signals,
    moduleIssuers: options.moduleIssuers ?? [],
    clusterSources: [],
    now: options.now,
  });
  return {
    ...services,
    knex,
    logger,
    catalog,
    permissions,
    notifications,
    signals,
    policies,
    settings,
    async stop() {
      await services.clusters.stop();
    },
  };
}
