/*
 * Issuance benchmark: CSR in → signed certificate out, ECDSA P-256, 8
 * requests in flight, through the same service code the POST /requests route
 * calls (RequestService.submit: catalog lookup, names, policy, CSR parse and
 * signature check, built-in CA signing, request/audit/CA rows and the
 * issued certificate's inventory row, all in the issuing batch's one
 * transaction as in the plugin, and the requester's notification claim), wired
 * as plugin.ts wires it, on the database the plugin gets from Backstage's
 * DatabaseManager with app-config.yaml's embedded default (a better-sqlite3
 * file under a data folder) and the plugin's own SQLite settings.
 *
 * Skipped: the HTTP layer — express, the route's identity and permission
 * checks (remote calls to the auth and permission backends in production),
 * its zod parse and Backstage auditor event — and the notifications backend
 * behind NotificationService.send (a stub that resolves at once). The
 * catalog lookup is a stub answering the entity.
 *
 * In the same run it measures node crypto's raw ECDSA P-256 sign rate on one
 * thread as the floor to compare with.
 *
 * `--db postgres` measures the same on PostgreSQL instead: a throwaway server
 * with PostgreSQL's default durability (fsync, synchronous_commit on) started
 * and removed by the run, or an existing one named by `--pg-url URL` /
 * BENCH_POSTGRES_URL; the plugin's database is a scratch database created as
 * Backstage's DatabaseManager creates it, dropped afterwards (see
 * scripts/bench/postgres.ts). cpuMsPerRequest is this process only: the
 * server's own CPU is not in it.
 *
 * Run: yarn bench:issue [--db sqlite|postgres] [--pg-url URL]
 * (BENCH_ISSUE_COUNT, BENCH_ISSUE_CONCURRENCY to tune; BENCH_ISSUE_CORE_ONLY=1
 * leaves out the inventory row and notification; BENCH_ISSUE_SQL_STATS=1
 * prints the statements per request).
 * The last line of output is one JSON object; `database` says which.
 */
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseAuditLog } from '../plugins/certificates-backend/src/audit';
import { BuiltinCa, TrustBundle } from '../plugins/certificates-backend/src/ca';
import { DatabaseTrustStore } from '../plugins/certificates-backend/src/trust';
import {
  applyDatabaseMigrations,
  configureSqlite,
} from '../plugins/certificates-backend/src/database';
import { generateKeyAndCsr } from '../plugins/certificates-backend/src/delivery/keyAndCsr';
import { DatabaseInventoryStore } from '../plugins/certificates-backend/src/inventory';
import { readCertificatesSettings } from '../plugins/certificates-backend/src/config';
import { IssuedCertificateRecorder } from '../plugins/certificates-backend/src/inventory/IssuedCertificateRecorder';
import {
  IssuanceService,
  IssuerRegistry,
} from '../plugins/certificates-backend/src/issuing';
import { issuanceNoops } from '../plugins/certificates-backend/src/issuing/__testUtils__/issuanceNoops';
import { RequestNotifier } from '../plugins/certificates-backend/src/notifications';
import {
  benchPostgres,
  dropDatabase,
  durability,
  selectedDatabase,
} from './bench/postgres';
import {
  DatabaseRequestStore,
  RequestService,
  RequestValidator,
} from '../plugins/certificates-backend/src/requests';

const COUNT = Number(process.env.BENCH_ISSUE_COUNT ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_ISSUE_CONCURRENCY ?? 8);
const WARMUP = 300;
/**
 * Diagnostic only: leaves out what runs after the issued state committed
 * (the inventory row and the notification); the JSON then says so in `scope`.
 */
const CORE_ONLY = process.env.BENCH_ISSUE_CORE_ONLY === '1';
/**
 * Diagnostic: statements through knex per request, by kind (SQLite's
 * prepared-statement writers bypass knex, so compare databases with care).
 */
const SQL_STATS = process.env.BENCH_ISSUE_SQL_STATS === '1';

function countStatements(knex: Knex) {
  const counts = new Map<string, number>();
  const onQuery = (q: { sql: string }) => {
    const k = String(q.sql).slice(0, 70);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  knex.on('query', onQuery);
  return {
    print(requests: number) {
      knex.removeListener('query', onQuery);
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(
        `statements per request: ${(total / requests).toFixed(1)}, by kind:`,
      );
      for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 20))
        console.log(`${(n / requests).toFixed(2).padStart(6)}× ${k}`);
    },
  };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a' },
};

function nodeSignRate(): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tbs = Buffer.alloc(600, 7);
  const until = Date.now() + 1000;
  let n = 0;
  const start = process.hrtime.bigint();
  while (Date.now() < until) {
    sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
    n++;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

interface Measurement {
  issuedPerSecond: number;
  /** Until every inventory row is written as well. */
  withInventoryPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  cpuMsPerRequest: number;
}

/** Wires the plugin's request path on `knex` as plugin.ts does and measures it. */
async function measure(knex: Knex): Promise<Measurement> {
  await applyDatabaseMigrations({ knex });
  await configureSqlite(knex);
  const logger = mockServices.rootLogger({ level: 'warn' });
  const config = new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    certificates: {
      builtinCa: { encryptionKey: 'benchmark-encryption-key-32-characters!' },
    },
  });
  const settings = readCertificatesSettings(config);
  const builtinCa = await BuiltinCa.create({
    knex,
    settings: settings.builtinCa,
    logger,
  });
  const issuers = IssuerRegistry.create({
    issuers: [builtinCa],
    certManagerIssuers: settings.certManagerIssuers,
  });
  const trustBundle = await TrustBundle.create({
    settings: settings.trust,
    builtinRootPem: builtinCa.rootCertificatePem,
    store: DatabaseTrustStore.create({ knex }),
  });
  const inventoryStore = DatabaseInventoryStore.create({ knex });
  const audit = DatabaseAuditLog.create({ knex, logger });
  const requestStore = DatabaseRequestStore.create({ knex });
  const notifications: NotificationService = {
    send: async () => {},
  } as NotificationService;
  const notifier = RequestNotifier.create({ knex, notifications, logger });
  const catalog = {
    getEntityByRef: async () => entity,
  } as unknown as CatalogService;
  const validator = RequestValidator.create({
    issuers,
    catalog,
    auth: mockServices.auth(),
    policies: [
      {
        name: 'services',
        allowedDnsNames: [
          '{{entity.name}}.example.com',
          '*.{{entity.name}}.example.com',
        ],
        autoApprove: true,
      },
    ],
    clusterNames: () => [],
    // No cluster: delivery is to the CSR's holder.
    deliveryTarget: { violations: async () => [] },
  });
  const recorder = IssuedCertificateRecorder.create({
    store: inventoryStore,
    getApprovedRoots: () => trustBundle.getApprovedRoots(),
    requests: requestStore,
    logger,
    ...settings.health,
  });
  const issuance = IssuanceService.create({
    store: requestStore,
    issuers,
    logger,
    audit,
    ...(CORE_ONLY
      ? issuanceNoops
      : {
          onIssued: recorder.recordInBackground,
          inventory: recorder,
          notifier,
        }),
    // After the no-ops: the policy is checked again in both modes.
    recheck: validator.recheck,
  });
  const service = RequestService.create({
    store: requestStore,
    validator,
    issuance,
    audit,
    logger,
    // Auto-approved requests never wait, so nothing is announced either way.
    notifier,
    // Not asked: the caller brings its claims along.
    userInfo: mockServices.userInfo(),
  });

  const csrs = await Promise.all(
    Array.from({ length: 16 }, () =>
      generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
      }),
    ),
  );
  const caller = {
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    },
    userEntityRef: 'user:default/bench',
    // An owner of the entity, as the route's user info says: only owners' requests are auto-approved.
    ownershipEntityRefs: ['user:default/bench', 'group:default/team-a'],
  } as any;
  const submit = async (i: number) => {
    const { request } = await service.submit(
      {
        entityRef: 'component:default/payments',
        commonName: 'payments.example.com',
        dnsNames: ['payments.example.com', 'api.payments.example.com'],
        keyAlgorithm: 'ECDSA-P256',
        validityDays: 30,
        issuer: 'builtin',
        delivery: { kind: 'csr', csr: csrs[i % csrs.length].csrPem },
      },
      caller,
    );
    if (request?.state !== 'issued' || !request.serialNumber) {
      throw new Error(
        `request ${i} ended ${request?.state}: ${request?.failureReason}`,
      );
    }
  };

  // Warm up the JIT and the database.
  for (let i = 0; i < WARMUP; i++) await submit(i);

  const stats = SQL_STATS ? countStatements(knex) : undefined;
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await submit(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // Rows that miss the issuing transaction are written off the request
  // path: the run is only over when every one of them is, and that rate is
  // reported too.
  await recorder.idle();
  const recordedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  stats?.print(COUNT);

  // Honesty check: every request issued once, with its audit trail.
  const [{ n: issuedRows }] = await knex('certificates_ca_issued').count({
    n: '*',
  });
  if (Number(issuedRows) !== COUNT + WARMUP) {
    throw new Error(
      `expected ${COUNT + WARMUP} issued certificates, found ${issuedRows}`,
    );
  }
  if (!CORE_ONLY) {
    const [{ n: rows }] = await knex('certificates_inventory').count({
      n: '*',
    });
    if (Number(rows) !== COUNT + WARMUP) {
      throw new Error(
        `expected ${COUNT + WARMUP} inventory rows, found ${rows}`,
      );
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    issuedPerSecond: COUNT / seconds,
    withInventoryPerSecond: COUNT / recordedSeconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    seconds,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / COUNT,
  };
}

/** What DatabaseManager wants of a plugin; nothing here registers hooks that matter. */
function pluginDeps() {
  return {
    logger: mockServices.rootLogger({ level: 'warn' }),
    lifecycle: { addStartupHook() {}, addShutdownHook() {} } as any,
  };
}

async function onSqlite(): Promise<Measurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-issue-'));
  const manager = DatabaseManager.fromConfig(
    new ConfigReader({
      backend: {
        database: { client: 'better-sqlite3', connection: { directory: dir } },
      },
    }),
  );
  const knex = await manager
    .forPlugin('certificates', pluginDeps())
    .getClient();
  try {
    return await measure(knex);
  } finally {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The plugin's database as Backstage creates it on PostgreSQL: a database per plugin, here under a scratch prefix. */
async function onPostgres(): Promise<
  Measurement & { server: string; durability: string }
> {
  const server = await benchPostgres();
  try {
    const prefix = `bench_issue_${process.pid}_`;
    const manager = DatabaseManager.fromConfig(
      new ConfigReader({
        backend: { database: { client: 'pg', connection: server.url, prefix } },
      }),
    );
    const knex = await manager
      .forPlugin('certificates', pluginDeps())
      .getClient();
    try {
      return {
        ...(await measure(knex)),
        server: server.server,
        durability: await durability(knex),
      };
    } finally {
      await knex.destroy();
      await dropDatabase(server.url, `${prefix}certificates`);
    }
  } finally {
    server.stop();
  }
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function main() {
  const database = selectedDatabase();
  const m: Measurement & { server?: string; durability?: string } =
    database === 'postgres' ? await onPostgres() : await onSqlite();
  const nodeSignPerSecond = nodeSignRate();
  const settings = m.server
    ? `${m.server} server; ${m.durability}`
    : 'better-sqlite3, embedded default; WAL, synchronous NORMAL';
  const name = database === 'postgres' ? 'PostgreSQL' : 'SQLite';

  console.log(
    `${name} (${settings}): ${COUNT} issued with ${CONCURRENCY} in flight in ${m.seconds.toFixed(
      2,
    )} s`,
  );
  console.log(
    `issuance: ${m.issuedPerSecond.toFixed(0)}/s (target ${
      database === 'postgres' ? 500 : 1000
    }/s); latency p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(
      2,
    )} ms; CPU ${m.cpuMsPerRequest.toFixed(3)} ms/request${
      database === 'postgres' ? ' (this process only)' : ''
    }`,
  );
  if (!CORE_ONLY) {
    console.log(
      `until every issued certificate's inventory row is written too: ${m.withInventoryPerSecond.toFixed(
        0,
      )}/s`,
    );
  }
  console.log(
    `node crypto ECDSA P-256 raw sign (one thread): ${nodeSignPerSecond.toFixed(
      0,
    )}/s; issuance is ${((100 * m.issuedPerSecond) / nodeSignPerSecond).toFixed(
      1,
    )}% of it`,
  );
  console.log(
    JSON.stringify({
      issuedPerSecond: round(m.issuedPerSecond),
      withInventoryPerSecond: round(m.withInventoryPerSecond),
      nodeSignPerSecond: round(nodeSignPerSecond),
      ratio: round(m.issuedPerSecond / nodeSignPerSecond, 4),
      p50Ms: round(m.p50Ms, 3),
      p99Ms: round(m.p99Ms, 3),
      cpuMsPerRequest: round(m.cpuMsPerRequest, 3),
      count: COUNT,
      concurrency: CONCURRENCY,
      database,
      databaseSettings: settings,
      scope: CORE_ONLY
        ? 'core: submit → issued, without the inventory row and notification'
        : 'full: submit → issued, inventory row, notification claim',
    }),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
