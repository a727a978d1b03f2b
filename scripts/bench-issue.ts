/*
 * Issuance benchmark: CSR in → signed certificate out through the real
 * request path (zod-free service layer: catalog lookup, names, policy, CSR
 * parse + signature check, built-in CA signing, SQLite store and audit),
 * ECDSA P-256, 8 requests in flight. Prints node crypto's raw ECDSA P-256
 * sign rate in the same run as the floor to compare with.
 *
 * Run: yarn bench:issue   (BENCH_ISSUE_COUNT, BENCH_ISSUE_CONCURRENCY to tune)
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import knexFactory from 'knex';
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseAuditLog } from '../plugins/certificates-backend/src/audit';
import { BuiltinCa } from '../plugins/certificates-backend/src/ca';
import { applyDatabaseMigrations } from '../plugins/certificates-backend/src/database';
import { generateKeyAndCsr } from '../plugins/certificates-backend/src/delivery/keyAndCsr';
import { IssuanceService, IssuerRegistry } from '../plugins/certificates-backend/src/issuing';
import {
  DatabaseRequestStore,
  RequestService,
  RequestValidator,
} from '../plugins/certificates-backend/src/requests';

const COUNT = Number(process.env.BENCH_ISSUE_COUNT ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_ISSUE_CONCURRENCY ?? 8);

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

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-issue-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
    pool: {
      // Write-ahead log without an fsync per commit, as an embedded
      // deployment would configure SQLite; the default rollback journal
      // syncs every write and measures the disk instead.
      afterCreate: (conn: any, done: (err: Error | null, conn: any) => void) => {
        conn.pragma(`journal_mode = ${process.env.BENCH_ISSUE_JOURNAL ?? 'WAL'}`);
        conn.pragma(`synchronous = ${process.env.BENCH_ISSUE_SYNCHRONOUS ?? 'NORMAL'}`);
        done(null, conn);
      },
    },
  });
  await applyDatabaseMigrations({ knex });
  const logger = mockServices.rootLogger({ level: 'warn' });
  const config = new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    certificates: { builtinCa: { encryptionKey: 'benchmark-encryption-key-32-characters!' } },
  });
  const ca = await BuiltinCa.create({ knex, config, logger });
  const issuers = IssuerRegistry.create({ issuers: [ca] });
  const store = DatabaseRequestStore.create({ knex });
  const audit = DatabaseAuditLog.create({ knex });
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
        allowedDnsNames: ['{{entity.name}}.example.com', '*.{{entity.name}}.example.com'],
        autoApprove: true,
      },
    ],
    clusterNames: () => [],
  });
  const issuance = IssuanceService.create({ store, issuers, logger, audit, recheck: validator.recheck });
  const service = RequestService.create({ store, validator, issuance, audit, logger });

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
    credentials: { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/bench' } },
    userEntityRef: 'user:default/bench',
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
    if (request?.state !== 'issued') {
      throw new Error(`request ${i} ended ${request?.state}: ${request?.failureReason}`);
    }
  };

  // Warm up the JIT and the database.
  for (let i = 0; i < 200; i++) await submit(i);

  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) {
        await submit(next++);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const issuedPerSecond = COUNT / seconds;
  const nodeSignPerSecond = nodeSignRate();
  await knex.destroy();
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`issued ${COUNT} certificates with ${CONCURRENCY} in flight in ${seconds.toFixed(2)} s`);
  console.log(`issuance: ${issuedPerSecond.toFixed(0)}/s (target 1000/s)`);
  console.log(`node crypto ECDSA P-256 raw sign (one thread): ${nodeSignPerSecond.toFixed(0)}/s`);
  console.log(
    JSON.stringify({
      issuedPerSecond: Math.round(issuedPerSecond),
      nodeSignPerSecond: Math.round(nodeSignPerSecond),
      count: COUNT,
      concurrency: CONCURRENCY,
      database: 'sqlite',
      journal: process.env.BENCH_ISSUE_JOURNAL ?? 'WAL',
      synchronous: process.env.BENCH_ISSUE_SYNCHRONOUS ?? 'NORMAL',
      meanLatencyMs: Number(((seconds * 1000 * CONCURRENCY) / COUNT).toFixed(3)),
    }),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
