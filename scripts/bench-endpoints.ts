/*
 * Endpoint scanning benchmark: N TLS endpoints on 127.0.0.1 (one TLS server
 * answering N SNI names from a pool of wildcard certificates), scanned by
 * the plugin's EndpointScanService with its default concurrency and
 * handshake limit, and recorded as inventory rows on an in-memory SQLite
 * database through the inventory's write path.
 *
 *   yarn bench:endpoints --n 10000 [--concurrency 32] [--pool 50]
 *
 * What is measured: endpoints per second of a whole round (sources, one
 * handshake per endpoint, judging, writing), process CPU seconds (user +
 * system) and peak RSS. The TLS server runs in this process, so the CPU
 * and RSS include its side of every handshake. How long a renewed Secret
 * takes to show as `served-outdated` is the wait for the next round plus
 * the round itself: up to frequency + round time, on average half the
 * frequency + round time (default frequency 15 minutes).
 *
 * The last line of output is one JSON object.
 */
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { AddressInfo } from 'node:net';
import { createSecureContext, createServer, SecureContext } from 'node:tls';
import { applyDatabaseMigrations } from '../plugins/certificates-backend/src/database';
import {
  DeclaredEndpoint,
  EndpointScanService,
  EndpointStatusStore,
} from '../plugins/certificates-backend/src/endpoints';
import { joinPem } from '../plugins/certificates-backend/src/endpoints/__testUtils__/localServers';
import { TrustStore } from '../plugins/certificates-backend/src/inventory/parsing';
import {
  makeCa,
  makeLeaf,
} from '../plugins/certificates-backend/src/inventory/parsing/testPki';
import { DatabaseInventoryStore } from '../plugins/certificates-backend/src/inventory/store';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const DEFAULT_FREQUENCY_SECONDS = 15 * 60;

async function main() {
  const n = arg('n', 1000);
  const concurrency = arg('concurrency', 32);
  const poolSize = arg('pool', 50);

  const root = await makeCa('Bench Root');
  const issuing = await makeCa('Bench Issuing CA', root);
  const contexts: SecureContext[] = [];
  for (let i = 0; i < poolSize; i++) {
    const leaf = await makeLeaf({
      issuer: issuing,
      dnsNames: ['*.bench.test'],
    });
    contexts.push(
      createSecureContext({
        key: leaf.keyPem,
        cert: joinPem([leaf.certPem, issuing.pem]),
      }),
    );
  }
  const server = createServer({
    SNICallback: (name, cb) => {
      const index = Number(name.split('.')[0].slice(1)) % poolSize;
      cb(null, contexts[Number.isNaN(index) ? 0 : index]);
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations({ knex });
  const endpoints: DeclaredEndpoint[] = Array.from({ length: n }, (_, i) => ({
    host: `e${i}.bench.test`,
    port,
    source: 'annotation',
    origin: `component:default/bench-${i % 100}`,
    entityRef: `component:default/bench-${i % 100}`,
    ownerRef: 'group:default/bench',
  }));
  const service = EndpointScanService.create({
    inventory: DatabaseInventoryStore.create({ knex }),
    statuses: EndpointStatusStore.create({ knex }),
    trust: TrustStore.fromPems([root.pem], { intermediates: [issuing.pem] }),
    sources: [async () => endpoints],
    settings: {
      concurrency,
      timeoutMs: 5000,
      allowPrivateNetworks: true,
      allowLoopback: true,
    },
    health: { thresholds: {}, approvedIssuers: [] },
    logger: mockServices.rootLogger({ level: 'warn' }),
    resolve: async () => '127.0.0.1',
  });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const report = await service.run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  server.close();
  await knex.destroy();

  console.log(
    JSON.stringify({
      bench: 'endpoints',
      n,
      concurrency,
      certificatePool: poolSize,
      scanned: report.scanned,
      unreachable: report.unreachable,
      roundSeconds: Number(seconds.toFixed(3)),
      endpointsPerSecond: Math.round(n / seconds),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
      peakRssMB: Math.round(peakRss / 2 ** 20),
      serverInProcess: true,
      servedOutdatedAfterRenewalSeconds: {
        frequency: DEFAULT_FREQUENCY_SECONDS,
        worst: Math.round(DEFAULT_FREQUENCY_SECONDS + seconds),
        average: Math.round(DEFAULT_FREQUENCY_SECONDS / 2 + seconds),
      },
    }),
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
