import {
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  CertificatePolicy,
  CertificateRequestInput,
} from '@kubecerts/backstage-plugin-certificates-common';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import {
  paymentsInput,
  createTestCa,
  recordingNotifier,
} from '../../__testUtils__/fixtures';
import { DatabaseAuditLog } from '../../audit';
import { applyDatabaseMigrations } from '../../database';
import { IssuanceService, IssuedRecord, IssuerRegistry } from '../../issuing';
import { createRouter } from '../../router';
import { DatabaseRequestStore } from '../DatabaseRequestStore';
import { RequestsRouterOptions } from '../createRequestsRouter';
import { RequestService } from '../RequestService';
import { RequestValidator } from '../RequestValidator';
import { issuanceNoops } from '../../issuing/__testUtils__/issuanceNoops';

export const ALICE = 'user:default/alice';
export const CAROL = 'user:default/carol';
export const SAM = 'user:default/sam';

/** Alice is in payments, Carol in storefront, Sam in security. */
export const GROUPS: Record<string, string[]> = {
  [ALICE]: ['group:default/payments'],
  [CAROL]: ['group:default/storefront'],
  [SAM]: ['group:default/security'],
};

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

export const checkoutWeb: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-web', namespace: 'default' },
  spec: { type: 'service', owner: 'storefront' },
};

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

/** User info as the catalog would answer it: the user and their `groups`. */
export function userInfoOf(groups: Record<string, string[]>): UserInfoService {
  return {
    async getUserInfo(credentials) {
      const ref = (credentials.principal as BackstageUserPrincipal)
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groups[ref] ?? [])],
      };
    },
  };
}

/** Alice, Carol and Sam in their GROUPS. */
export const userInfo = userInfoOf(GROUPS);

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

/** The requests router as plugin.ts mounts it, signed in as `user`, errors rendered. */
export async function mountRequestsRouter(options: {
  user: string;
  logger: LoggerService;
  requests: Omit<RequestsRouterOptions, 'httpAuth' | 'auditor'>;
}): Promise<express.Express> {
  const httpAuth = mockServices.httpAuth({
    defaultCredentials: mockCredentials.user(options.user),
  });
  const app = express();
  app.use(
    await createRouter({
      logger: options.logger,
      httpAuth,
      requests: {
        httpAuth,
        auditor: mockServices.auditor.mock(),
        ...options.requests,
      },
    }),
  );
  app.use(mockErrorHandler());
  return app;
}

/**
 * The requests API as plugin.ts wires it, on `knex`, signed in as `user`.
 * Several apps on one database stand for several users of one backend.
 */
export async function requestsApp(
  knex: Knex,
  options: {
    user: string;
    /** Default: allows everything. */
    permissions?: PermissionsService;
    /** The certificates.request.read decision (default ALLOW). */
    read?: PolicyDecision;
    maxOpenPerUser?: number;
    policies?: CertificatePolicy[];
    /** Default: payments-api and checkout-web. */
    entities?: Entity[];
    /** The groups of each user (default GROUPS). */
    groups?: Record<string, string[]>;
  },
) {
  await applyDatabaseMigrations({ knex });
  const logger = mockServices.logger.mock();
  const ca = await createTestCa(knex, { logger });
  const signSpy = jest.spyOn(ca, 'sign');
  const issueSpy = jest.spyOn(ca, 'issue');
  const recordSpy = jest.spyOn(ca, 'recordIssued');
  const issuers = IssuerRegistry.create({ issuers: [ca] });
  const store = DatabaseRequestStore.create({ knex });
  const audit = DatabaseAuditLog.create({ knex });
  const notifier = recordingNotifier();
  const users = options.groups ? userInfoOf(options.groups) : userInfo;
  // What the inventory was given, in the transaction that issued it.
  const recordInTransaction = jest.fn(
    async (_records: IssuedRecord[], _trx: unknown) => undefined,
  );
  const validator = RequestValidator.create({
    issuers,
    catalog: catalogServiceMock({
      entities: options.entities ?? [paymentsApi, checkoutWeb],
    }),
    auth: mockServices.auth(),
    policies: options.policies ?? [paymentsPolicy, storefrontPolicy],
    clusterNames: () => ['prod'],
    // Every delivery target is free: no cluster is read.
    deliveryTarget: { violations: async () => [] },
  });
  const issuance = IssuanceService.create({
    ...issuanceNoops,
    store,
    issuers,
    logger,
    audit,
    recheck: validator.recheck,
    inventory: { certificateIdOf: () => undefined, recordInTransaction },
    notifier,
  });
  const service = RequestService.create({
    store,
    validator,
    issuance,
    audit,
    logger,
    notifier,
    userInfo: users,
    maxOpenPerUser: options.maxOpenPerUser,
  });
  const permissions =
    options.permissions ??
    mockServices.permissions({ result: AuthorizeResult.ALLOW });
  if (options.read) {
    const read = options.read;
    permissions.authorizeConditional = (async (queries: unknown[]) =>
      queries.map(() => read)) as PermissionsService['authorizeConditional'];
  }
  const app = await mountRequestsRouter({
    user: options.user,
    logger,
    requests: { userInfo: users, permissions, service, store, audit },
  });
  /** Rows written: requests, audit records and certificates the CA issued. */
  const counts = async () => {
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    return {
      requests: await count('certificates_requests'),
      audit: await count('certificates_audit'),
      issued: await count('certificates_ca_issued'),
    };
  };
  return {
    app,
    /** POST /requests with `body`, as `user`. */
    submit: (body: object) => request(app).post('/requests').send(body),
    service,
    store,
    validator,
    issuance,
    ca,
    signSpy,
    issueSpy,
    recordSpy,
    notifier,
    counts,
    /** The issued certificates the inventory was given. */
    inventoried: () => recordInTransaction.mock.calls.flatMap(c => c[0]),
  };
}
