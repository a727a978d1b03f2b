import {
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequestInput,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { BuiltinCa } from '../../ca';
import type { RequestService } from '../RequestService';
import {
  ALICE,
  CAROL,
  component,
  DatabaseId,
  paymentsInput,
} from '../../__testUtils__/fixtures';
import {
  allowAllPermissions,
  createHarness,
} from '../../__testUtils__/harness';
import {
  startCertificatesBackend,
  TestBackendOptions,
} from '../../__testUtils__/testBackend';

export { ALICE, CAROL };

/** Alice is in payments, Carol in storefront, Sam in security (by user name). */
export const SHOP_GROUPS: Record<string, string[]> = {
  alice: ['group:default/payments'],
  carol: ['group:default/storefront'],
  sam: ['group:default/security'],
};

/** `ref` as RequestService sees a signed-in user: with their SHOP_GROUPS. */
export function shopUser(ref: string) {
  return {
    credentials: mockCredentials.user(ref),
    userEntityRef: ref,
    ownershipEntityRefs: [ref, ...(SHOP_GROUPS[ref.split('/')[1]] ?? [])],
  };
}

/** The plugin itself, as its scheduled renewals call RequestService. */
export const pluginItself = {
  credentials: mockCredentials.service('plugin:certificates'),
  userEntityRef: 'plugin:certificates',
};

export const paymentsApi: Entity = component(
  'payments-api',
  'group:default/payments',
);
export const checkoutWeb: Entity = component('checkout-web', 'storefront');

/** The payments team's policy approves every compliant request by itself. */
export const paymentsPolicy: CertificatePolicy = {
  name: 'payments',
  selector: { owner: ['group:default/payments'] },
  allowedDnsNames: ['{{entity.name}}.shop.example.com'],
  autoApprove: true,
  approvals: { required: 1, approvers: ['group:default/security'] },
};

export const storefrontPolicy: CertificatePolicy = {
  name: 'storefront',
  selector: { owner: ['group:default/storefront'] },
  allowedDnsNames: ['{{entity.name}}.shop.example.com'],
  autoApprove: { maxValidityDays: 30 },
  approvals: { required: 1, approvers: ['group:default/security'] },
};

/** Team A's services: names under <entity>.example.com, one level of wildcard. */
export function teamAServicesPolicy(
  overrides: Partial<CertificatePolicy> = {},
): CertificatePolicy {
  return {
    name: 'services',
    selector: { owner: ['group:default/team-a'] },
    allowedDnsNames: [
      '{{entity.name}}.example.com',
      '*.{{entity.name}}.example.com',
    ],
    ...overrides,
  };
}

/** A configured cluster no test reaches: requests only name it. */
export const unreachableCluster = (name: string) => ({
  name,
  url: 'https://127.0.0.1:9',
  serviceAccountToken: 'unused',
  skipTLSVerify: true,
});

export function csrInput(
  csrPem: string,
  overrides: Partial<CertificateRequestInput> = {},
): CertificateRequestInput {
  return paymentsInput(csrPem, {
    entityRef: 'component:default/payments-api',
    commonName: 'payments-api.shop.example.com',
    dnsNames: ['payments-api.shop.example.com'],
    ...overrides,
  });
}

export interface ShopOptions {
  policies?: CertificatePolicy[];
  permissions?: PermissionsService;
  maxOpenPerUser?: number;
  /** Default: payments-api and checkout-web. */
  entities?: Entity[];
  /** The groups of each user name (default SHOP_GROUPS). */
  groups?: Record<string, string[]>;
}

function shopConfig(options: ShopOptions) {
  return {
    policies: options.policies ?? [paymentsPolicy, storefrontPolicy],
    clusters: [unreachableCluster('prod')],
    ...(options.maxOpenPerUser
      ? { requests: { maxOpenPerUser: options.maxOpenPerUser } }
      : {}),
  };
}

/** The real plugin on `knex` for the shop's teams, entities and policies. */
export function startShopBackend(
  knex: Knex,
  options: ShopOptions & Pick<TestBackendOptions, 'features'> = {},
) {
  return startCertificatesBackend({
    knex,
    entities: options.entities ?? [paymentsApi, checkoutWeb],
    groups: options.groups ?? SHOP_GROUPS,
    permissions: options.permissions,
    features: options.features,
    certificates: shopConfig(options),
  });
}

/**
 * The same plugin's services without HTTP, for what no route reaches: the
 * plugin's own renewals, a crash between two steps, a policy changed while
 * running.
 */
export function shopServices(
  databases: TestDatabases,
  databaseId: DatabaseId,
  options: ShopOptions & { knex?: Knex } = {},
) {
  const { policies, ...certificates } = shopConfig(options);
  return createHarness(databases, databaseId, {
    knex: options.knex,
    entities: options.entities ?? [paymentsApi, checkoutWeb],
    permissions: options.permissions,
    policies,
    certificates,
  });
}

/**
 * Spies on the built-in CA the plugin builds: `sign` (in memory), `issue`
 * (sign and record alone) and `recordIssued` (the CA's record). Restore
 * them after each test.
 */
export function spyOnBuiltinCa() {
  return {
    signSpy: jest.spyOn(BuiltinCa.prototype, 'sign'),
    issueSpy: jest.spyOn(BuiltinCa.prototype, 'issue'),
    recordSpy: jest.spyOn(BuiltinCa.prototype, 'recordIssued'),
  };
}

/**
 * Every permission allowed, but each user's conditional (resource)
 * decisions are `reads[user name]` (default ALLOW): one backend serves
 * readers with different policies.
 */
export function readDecisionsOf(
  reads: Record<string, PolicyDecision>,
): PermissionsService {
  const permissions = allowAllPermissions();
  permissions.authorizeConditional.mockImplementation(async (queries, o) => {
    const principal = o?.credentials.principal as BackstageUserPrincipal;
    const name = principal.userEntityRef.split('/')[1];
    return queries.map(
      () => reads[name] ?? { result: AuthorizeResult.ALLOW },
    ) as never;
  });
  return permissions;
}

/**
 * Per test of a suite: spies on the built-in CA (`ca`), and every plugin or
 * service graph the test starts stopped after it, whether it passed or not.
 */
export function shopPerTest(databases: TestDatabases) {
  const started: Array<{ stop(): Promise<void> }> = [];
  const track = <T extends { stop(): Promise<void> }>(running: T): T => {
    started.push(running);
    return running;
  };
  const suite = {
    ca: undefined as unknown as ReturnType<typeof spyOnBuiltinCa>,
    track,
    /** The real plugin for the shop on a fresh database of `databaseId`. */
    async shop(
      databaseId: DatabaseId,
      options: Parameters<typeof startShopBackend>[1] = {},
    ) {
      const knex = await databases.init(databaseId);
      return { knex, plugin: track(await startShopBackend(knex, options)) };
    },
    /** The shop's services without HTTP (see shopServices). */
    async services(
      databaseId: DatabaseId,
      options: Parameters<typeof shopServices>[2] = {},
    ) {
      return track(await shopServices(databases, databaseId, options));
    },
  };
  beforeEach(() => {
    suite.ca = spyOnBuiltinCa();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    for (const running of started.splice(0)) await running.stop();
  });
  return suite;
}

/** `res` is the error `name` with `message`, answered with `status`. */
export function expectError(
  res: { status: number; body: { error?: unknown } },
  status: number,
  error: { name: string; message: string },
) {
  expect(res.status).toBe(status);
  expect(res.body.error).toEqual(expect.objectContaining(error));
}

/**
 * Renewals of `input` through the plugin's RequestService: what it answers
 * when `caller` renews request `renewalOf`.
 */
export function renewalsOf(
  requestService: RequestService,
  input: CertificateRequestInput,
) {
  return async (
    caller: Parameters<RequestService['submit']>[1],
    renewalOf: string,
  ) => (await requestService.submit(input, caller, { renewalOf })).request;
}
