import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CertificateRequestInput } from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateIssuer,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';
import { BuiltinCa } from '../ca';
import { readCertificatesSettings } from '../config';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { CallerIdentity } from '../service/identity';
import { PAYMENTS_TEAM } from './requestRows';

export * from './requestRows';

/** Users of the request suites, as their entity refs. */
export const ALICE = 'user:default/alice';
export const CAROL = 'user:default/carol';

/** The CA key encryption key every test backend uses. */
export const TEST_ENCRYPTION_KEY = 'test-encryption-key-of-at-least-32-chars';

/** The least configuration a backend with the built-in CA starts with. */
export const testConfig = new ConfigReader({
  backend: { baseUrl: 'http://localhost:7007' },
  certificates: { builtinCa: { encryptionKey: TEST_ENCRYPTION_KEY } },
});

/** The built-in CA on `knex` as a backend with testConfig starts it. */
export function createTestCa(
  knex: Knex,
  options: { logger?: LoggerService; now?: () => Date } = {},
): Promise<BuiltinCa> {
  return BuiltinCa.create({
    knex,
    settings: readCertificatesSettings(testConfig).builtinCa,
    logger: options.logger ?? mockServices.logger.mock(),
    now: options.now,
  });
}

/** Both databases every store test runs on. */
export function testDatabases(): TestDatabases {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}

export type DatabaseId = Parameters<TestDatabases['init']>[0];

/** A fresh database of `databaseId` with the plugin's migrations applied. */
export async function migratedDatabase(
  databases: TestDatabases,
  databaseId: DatabaseId,
): Promise<Knex> {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations({ knex });
  return knex;
}

/** A service component as the catalog returns it. */
export function component(
  name: string,
  owner: string,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace },
    spec: { type: 'service', owner },
  };
}

/** The payments service of team-pay. */
export const paymentsEntity = component('payments', PAYMENTS_TEAM, 'team-pay');

/** A signed-in user with their ownership claims. */
export function userCaller(
  name: string,
  groups: string[] = [],
): CallerIdentity {
  const userEntityRef = `user:default/${name}`;
  return {
    credentials: mockCredentials.user(userEntityRef),
    userEntityRef,
    ownershipEntityRefs: [userEntityRef, ...groups],
  };
}

/** The Authorization header of user `name` (user:default/name). */
export const userHeader = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

const csrs = new Map<string, Promise<string>>();

/**
 * A P-256 CSR for `dnsNames` (the first is the common name). One key per
 * set of names and test file: generating keys is the slow part.
 */
export function csrFor(...dnsNames: string[]): Promise<string> {
  const key = dnsNames.join(',');
  if (!csrs.has(key)) {
    csrs.set(
      key,
      generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        commonName: dnsNames[0],
        dnsNames,
      }).then(r => r.csrPem),
    );
  }
  return csrs.get(key)!;
}

/** A CSR request for the payments service of team-pay, as the form sends it. */
export function paymentsInput(
  csrPem: string,
  overrides: Partial<CertificateRequestInput> = {},
): CertificateRequestInput {
  return {
    entityRef: 'component:team-pay/payments',
    commonName: 'payments.example.com',
    dnsNames: ['payments.example.com'],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: 'builtin',
    delivery: { kind: 'csr', csr: csrPem },
    ...overrides,
  };
}

/** A CSR for payments.example.com, made once before the suite's tests: read `pem` inside a test. */
export function paymentsCsrOnce(): { readonly pem: string } {
  const csr = { pem: '' };
  beforeAll(async () => {
    csr.pem = await csrFor('payments.example.com');
  });
  return csr;
}

/** Rows in each of `tables`, to show that a refused action wrote nothing. */
export async function countRows(
  knex: Knex,
  tables: string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number((await knex(table).count({ n: '*' }))[0].n);
  }
  return counts;
}

/** A P-256 CSR as cert-manager carries it in a CertificateRequest: base64 of the PEM. */
export async function certManagerCsr(
  commonName: string,
  dnsNames: string[] = [commonName],
): Promise<string> {
  const { csrPem } = await generateKeyAndCsr({
    keyAlgorithm: 'ECDSA-P256',
    commonName,
    dnsNames,
  });
  return Buffer.from(csrPem).toString('base64');
}

/**
 * An issuer that answers at once with a made-up chain named after the
 * request, for tests about what happens around the CA.
 */
export function fakeSigner(
  options: {
    id?: string;
    deliveries?: string[];
    notBefore?: string;
    notAfter?: string;
  } = {},
): CertificateIssuer & { issue: jest.Mock } {
  const id = options.id ?? 'signer';
  return {
    id,
    info: async () => ({
      id,
      type: 'test',
      displayName: 'Test',
      supportsRevocation: false,
      deliveries: (options.deliveries ?? ['csr']) as any,
    }),
    issue: jest.fn(async (r: IssueRequest) => ({
      chainPem: `chain of ${r.requestId}`,
      serialNumber: `serial-${r.requestId}`,
      notBefore: options.notBefore ?? '2026-12-01T00:00:00.000Z',
      notAfter: options.notAfter ?? '2026-12-31T00:00:00.000Z',
    })),
  };
}

/** The backend's error middleware: errors answer as { error: { name, message } }. */
export function errorHandler() {
  return MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.rootLogger(),
  }).error();
}

/** A leaf the built-in CA issues at once: a.example.com for a week, to request `requestId`. */
export async function issueTestLeaf(
  ca: Pick<BuiltinCa, 'issue'>,
  requestId: string,
) {
  return ca.issue({
    requestId,
    dnsNames: ['a.example.com'],
    ipAddresses: [],
    uris: [],
    validityDays: 7,
    clientAuth: false,
    csrPem: (
      await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames: ['a.example.com'],
      })
    ).csrPem,
  });
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Retries `assertion` until it passes or `timeoutMs` is over. */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > end) throw e;
      await sleep(50);
    }
  }
}

/** A promise with its resolve and reject at hand. */
export function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
