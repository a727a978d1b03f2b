/*
 * Two backend replicas on one PostgreSQL, watching four clusters served by
 * Kubernetes API simulators. Checks that each cluster is watched by exactly
 * one replica and the clusters spread over both; that a request submitted
 * on one and approved on the other is signed once and each notification
 * sent once while both sweep every 2 s; that one replica reports the
 * gauges; and that after SIGKILL of a replica the other takes its clusters
 * over within 30 s with the inventory equal to the API servers' Secrets
 * (none missed, none phantom). Then two fresh replicas and a real ACME
 * server (pebble): the replica that placed an ACME order is killed in the
 * middle of its challenge, and the other finishes the same order. Writes
 * { passed, failed, tests } to --report.
 *
 * Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import {
  KubernetesApiSimulator,
  READ_ONLY_ACCESS,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { generateKeyAndCsr } from '../../plugins/certificates-backend/src/delivery/keyAndCsr';
import {
  makeCa,
  makeLeaf,
  secretData,
} from '../../plugins/certificates-backend/src/inventory/parsing/testPki';
import {
  ACME_ISSUER,
  AcmeFixture,
  acmeOrderHandedOver,
  startAcme,
} from './acme';

const root = join(__dirname, '..', '..');
const args = Object.fromEntries(
  process.argv.slice(2).map(a => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const CLUSTERS = ['east', 'west', 'north', 'south'];
const SECRETS_PER_CLUSTER = 40;
const HANDOVER_LIMIT_MS = 30_000;

const results = {
  passed: 0,
  failed: 0,
  tests: [] as Array<{ name: string; ok: boolean; detail?: string }>,
};

function check(name: string, ok: boolean, detail?: string) {
  results[ok ? 'passed' : 'failed'] += 1;
  results.tests.push({ name, ok, detail });
  console.log(`  ${ok ? '✓' : '✗'} ${name}${detail ? ` (${detail})` : ''}`);
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  what: () => Promise<T | undefined>,
  ms: number,
): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what().catch(() => undefined);
    if (value !== undefined || Date.now() > end) return value;
    await sleep(250);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

interface Replica {
  name: string;
  port: number;
  user: string;
  process: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
  gone?: boolean;
}

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-shop }
spec: { type: team, children: [], members: [alice] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: pki }
spec: { type: team, children: [], members: [bob] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { memberOf: [team-shop] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [pki] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations: { backstage.io/kubernetes-id: shop }
spec: { type: service, lifecycle: production, owner: team-shop }
`;

async function signIn(r: Replica, user: string): Promise<string> {
  const res = await fetch(
    `http://localhost:${r.port}/api/auth/demo/refresh?env=development`,
    { headers: { 'x-certificates-demo-user': user } },
  );
  if (!res.ok) throw new Error(`sign-in as ${user}: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function api(
  r: Replica,
  token: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: any }> {
  const res = await fetch(
    `http://localhost:${r.port}/api/certificates${path}`,
    {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body && { 'content-type': 'application/json' }),
      },
      body: body && JSON.stringify(body),
    },
  );
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/**
 * alice requests on A, bob approves on A while both replicas sweep for
 * approved requests and announce pending ones every 2 s: one certificate,
 * one announcement to the approver, one "issued" notice to the requester.
 */
async function requestApprovedOnce(
  a: Replica,
  b: Replica,
  db: Knex,
  notificationsDb: string,
) {
  const alice = await until(() => signIn(a, 'alice'), 60_000);
  const bob = await until(() => signIn(b, 'bob'), 60_000);
  if (!alice || !bob) {
    check('example users sign in on both replicas', false);
    return;
  }
  const { csrPem } = await generateKeyAndCsr({
    keyAlgorithm: 'ECDSA-P256',
    dnsNames: ['shop.example.com'],
  });
  const created = await until(async () => {
    const res = await api(a, alice, '/requests', {
      entityRef: 'component:default/shop',
      dnsNames: ['shop.example.com'],
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 30,
      issuer: 'builtin',
      delivery: { kind: 'csr', csr: csrPem },
    });
    return res.status === 201 || res.status === 200 ? res.body : undefined;
  }, 60_000);
  if (!created?.id) {
    check('a request submitted on A waits for approval', false);
    return;
  }
  check(
    'a request submitted on A waits for approval',
    created.state === 'pending',
    created.state,
  );
  // Several announcement sweeps on both replicas.
  await sleep(6_000);
  const decided = await api(b, bob, `/requests/${created.id}/decision`, {
    decision: 'approve',
  });
  const issued = await until(async () => {
    const res = await api(b, alice, `/requests/${created.id}`);
    return res.body?.request?.state === 'issued' ? res.body.request : undefined;
  }, 30_000);
  // Both replicas' issuance sweeps run meanwhile.
  await sleep(5_000);
  const signed = await db('certificates_ca_issued').where({
    request_id: created.id,
  });
  check(
    'approved on B, issued exactly once across both replicas',
    decided.status === 200 && Boolean(issued) && signed.length === 1,
    `decision ${decided.status}, state ${issued?.state}, ${signed.length} signed`,
  );
  const notices = await notifications(notificationsDb);
  check(
    'each notification is sent once across both replicas',
    notices.queuedToBob === 1 &&
      notices.approvedToAlice === 1 &&
      notices.issuedToAlice === 1,
    JSON.stringify(notices),
  );
}

/** The notices each example user got, by kind (the test has one request). */
async function notifications(notificationsDb: string) {
  const ndb = knexFactory({ client: 'pg', connection: notificationsDb });
  try {
    const rows = await ndb('notification').select('user', 'title');
    const count = (user: string, prefix: string) =>
      rows.filter(
        r => r.user === `user:default/${user}` && r.title.startsWith(prefix),
      ).length;
    return {
      queuedToBob: count('bob', 'Certificate request awaits approval'),
      approvedToAlice: count('alice', 'Certificate request approved'),
      issuedToAlice: count('alice', 'Certificate issued'),
    };
  } finally {
    await ndb.destroy();
  }
}

async function main() {
  const pgUrl =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!pgUrl) {
    check('PostgreSQL is configured', false);
    return;
  }
  const prefix = `replicas_${randomBytes(4).toString('hex')}_`;
  const encryptionKey = randomBytes(32).toString('base64');
  const dir = mkdtempSync(join(tmpdir(), 'certificates-replicas-'));
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  let db: Knex | undefined;
  const sims = new Map<string, KubernetesApiSimulator>();
  const replicas: Replica[] = [];
  let acme: AcmeFixture | undefined;
  try {
    acme = await startAcme();
    const ca = await makeCa('Replicas Root');
    const leaf = await makeLeaf({ issuer: ca, dnsNames: ['r.example.com'] });
    const secret = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'apps', name },
      type: 'kubernetes.io/tls',
      data: secretData(leaf.certPem + ca.pem, leaf.keyPem),
    });
    for (const name of CLUSTERS) {
      const sim = await KubernetesApiSimulator.start({ historyTtlMs: 120_000 });
      for (let i = 0; i < SECRETS_PER_CLUSTER; i++) sim.apply(secret(`s-${i}`));
      sims.set(name, sim);
    }

    const catalogFile = join(dir, 'catalog.yaml');
    writeFileSync(catalogFile, CATALOG);

    const startReplica = async (name: string): Promise<Replica> => {
      const port = await freePort();
      const token = `token-${name}`;
      const user = `replica-${name}`;
      sims.forEach(sim => sim.addToken(token, READ_ONLY_ACCESS, { user }));
      const configFile = join(dir, `${name}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          backend: {
            baseUrl: `http://localhost:${port}`,
            listen: { port },
            database: { client: 'pg', connection: pgUrl, prefix },
          },
          app: { baseUrl: `http://localhost:${port}` },
          auth: { environment: 'development', providers: { demo: {} } },
          permission: { enabled: false },
          catalog: {
            rules: [{ allow: ['Component', 'Group', 'User', 'Location'] }],
            locations: [{ type: 'file', target: catalogFile }],
          },
          certificates: {
            builtinCa: { encryptionKey },
            clusters: CLUSTERS.map(c => ({
              name: c,
              url: sims.get(c)!.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: token,
              skipTLSVerify: true,
            })),
            discovery: { lease: { duration: '15s', renewInterval: '5s' } },
            // Both replicas sweep often, so a double issuance or a double
            // announcement would show within the test.
            // A killed replica's request is resumed by the other after 10 s.
            issuance: { frequency: '2s', lease: '10s' },
            acme: { ...acme!.config, dataDir: join(dir, `acme-${name}`) },
            approvals: { notifyFrequency: '2s' },
            policies: [
              {
                name: 'shop',
                selector: { owner: ['group:default/team-shop'] },
                allowedDnsNames: ['{{entity.name}}.example.com'],
                maxValidityDays: 30,
                autoApprove: false,
                approvals: { required: 1, approvers: ['group:default/pki'] },
              },
            ],
          },
        }),
      );
      const child = spawn(
        process.execPath,
        [
          '--require',
          '@backstage/cli/config/nodeTransform.cjs',
          'e2e/replicas/backend.ts',
          '--config',
          configFile,
        ],
        {
          cwd: root,
          env: {
            ...process.env,
            NODE_ENV: 'development',
            KUBECONFIG: join(dir, 'no-kubeconfig'),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      const logs: string[] = [];
      child.stdout!.on('data', d => logs.push(d.toString()));
      child.stderr!.on('data', d => logs.push(d.toString()));
      const exited = new Promise<number | null>(r =>
        child.once('exit', code => r(code)),
      );
      const replica: Replica = {
        name,
        port,
        user,
        process: child,
        logs,
        exited,
      };
      exited.then(code => {
        replica.gone = true;
        console.log(`replicas: ${name} exited (${code})`);
      });
      replicas.push(replica);
      return replica;
    };

    // One after the other, as a rolling deployment does: the catalog's
    // migrations refuse to run while another replica holds their lock.
    console.log('replicas: starting two backends on one PostgreSQL');
    const healthy = async (r: Replica) => {
      if (r.gone) return false;
      const res = await fetch(
        `http://localhost:${r.port}/api/certificates/health`,
      );
      return res.ok ? true : undefined;
    };
    const a = await startReplica('a');
    let up = await until(() => healthy(a), 120_000);
    const b = await startReplica('b');
    up = up && (await until(() => healthy(b), 120_000));
    check('both replicas start on one database', Boolean(up));
    if (!up) return;
    const pluginDb = (plugin: string) => {
      const url = new URL(pgUrl);
      url.pathname = `/${prefix}${plugin}`;
      return url.toString();
    };
    db = knexFactory({ client: 'pg', connection: pluginDb('certificates') });

    const replicaOf = (owner: string) =>
      replicas.find(r => owner.includes(`/${r.process.pid}/`));
    const leases = async () => {
      const now = new Date().toISOString();
      const rows = await db!('certificates_leases')
        .where({ kind: 'cluster' })
        .andWhere('expires_at', '>=', now);
      return new Map(
        rows.map(r => [r.name as string, replicaOf(r.owner)?.name ?? r.owner]),
      );
    };
    const spread = await until(async () => {
      const held = await leases();
      const perReplica = [...held.values()].filter(o => o === 'a').length;
      return held.size === CLUSTERS.length && perReplica === 2
        ? held
        : undefined;
    }, 60_000);
    const held = spread ?? (await leases());
    check(
      'each cluster is held by exactly one replica, two clusters each',
      Boolean(spread),
      JSON.stringify(Object.fromEntries(held)),
    );

    const rowsOf = async (cluster: string) =>
      new Set(
        (
          await db!('certificates_inventory')
            .where({ cluster })
            .whereNull('gone_at')
            .select('namespace', 'secret_name')
        ).map(r => `${r.namespace}/${r.secret_name}`),
      );
    const secretsOf = async (cluster: string) => {
      const list = await sims
        .get(cluster)!
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .listSecretForAllNamespaces();
      return new Set(
        list.items.map(s => `${s.metadata!.namespace}/${s.metadata!.name}`),
      );
    };
    const diff = async () => {
      let missed = 0;
      let phantom = 0;
      for (const c of CLUSTERS) {
        const [rows, secrets] = await Promise.all([rowsOf(c), secretsOf(c)]);
        secrets.forEach(s => (missed += rows.has(s) ? 0 : 1));
        rows.forEach(r => (phantom += secrets.has(r) ? 0 : 1));
      }
      return { missed, phantom };
    };
    const inStep = async (ms: number) =>
      (await until(async () => {
        const d = await diff();
        return d.missed + d.phantom === 0 ? d : undefined;
      }, ms)) ?? (await diff());

    const before = await inStep(60_000);
    check(
      'the inventory equals the API servers (both replicas)',
      before.missed + before.phantom === 0,
      `${before.missed} missed, ${before.phantom} phantom`,
    );

    const watchers = (cluster: string, since = 0) =>
      new Set(
        sims
          .get(cluster)!
          .requests()
          .slice(since)
          .filter(r => r.query.watch === 'true' && r.status === 200)
          .map(r => r.user),
      );
    // Who watches now: the latest watch of each kind is the holder's, and no
    // other watch is open (a replica that gave a cluster back closed its own).
    const currentWatchers = (cluster: string) => {
      const sim = sims.get(cluster)!;
      const latest = new Map<string, string | undefined>();
      for (const r of sim.requests()) {
        if (r.query.watch === 'true' && r.status === 200) {
          latest.set(r.path, r.user);
        }
      }
      return {
        users: new Set(latest.values()),
        extraWatches: sim.openWatchCount - latest.size,
      };
    };
    const watchedOnce = await until(async () => {
      const ok = CLUSTERS.every(c => {
        const { users, extraWatches } = currentWatchers(c);
        return (
          users.size === 1 &&
          users.has(`replica-${held.get(c)}`) &&
          extraWatches === 0
        );
      });
      return ok || undefined;
    }, 10_000);
    check(
      'each cluster is watched by its holder only',
      Boolean(watchedOnce),
      CLUSTERS.map(c => {
        const { users, extraWatches } = currentWatchers(c);
        return `${c}: ${[...users].join('+')}, ${extraWatches} extra`;
      }).join('; '),
    );

    await requestApprovedOnce(a, b, db, pluginDb('notifications'));

    // The gauges' duty is one global lease: one replica reports them.
    const reporters = await until(async () => {
      const rows = await db!('certificates_leases').where({
        kind: 'global',
        name: 'inventory-metrics',
      });
      return rows.length ? rows : undefined;
    }, 30_000);
    check(
      'one replica reports the inventory gauges',
      reporters?.length === 1 && Boolean(replicaOf(reporters[0].owner)),
      reporters?.map(r => replicaOf(r.owner)?.name ?? r.owner).join(', '),
    );

    // SIGKILL: no shutdown hook runs, the leases stay until they expire.
    const victim = a;
    const survivor = b;
    const victimClusters = CLUSTERS.filter(c => held.get(c) === victim.name);
    const logMarks = new Map(
      CLUSTERS.map(c => [c, sims.get(c)!.requests().length]),
    );
    const killedAt = Date.now();
    process.kill(-victim.process.pid!, 'SIGKILL');
    await victim.exited;
    // Changes while nobody watches the victim's clusters.
    for (const c of victimClusters) {
      const sim = sims.get(c)!;
      for (let i = 0; i < 5; i++) sim.apply(secret(`after-kill-${i}`));
      for (let i = 0; i < 3; i++) sim.remove('v1', 'Secret', 'apps', `s-${i}`);
    }
    for (const c of CLUSTERS.filter(x => !victimClusters.includes(x))) {
      sims.get(c)!.apply(secret('while-alone'));
    }
    const taken = await until(async () => {
      const now = await leases();
      return CLUSTERS.every(c => now.get(c) === survivor.name)
        ? Date.now() - killedAt
        : undefined;
    }, HANDOVER_LIMIT_MS + 5_000);
    check(
      `the survivor holds the killed replica's clusters within ${
        HANDOVER_LIMIT_MS / 1000
      } s`,
      taken !== undefined && taken <= HANDOVER_LIMIT_MS,
      taken === undefined ? 'not taken' : `${(taken / 1000).toFixed(1)} s`,
    );
    const after = await inStep(
      Math.max(5_000, HANDOVER_LIMIT_MS - (Date.now() - killedAt)),
    );
    const settled = Date.now() - killedAt;
    check(
      'after the hand-over: 0 missed and 0 phantom rows, within 30 s of the kill',
      after.missed + after.phantom === 0 && settled <= HANDOVER_LIMIT_MS,
      `${after.missed} missed, ${after.phantom} phantom, ${(
        settled / 1000
      ).toFixed(1)} s`,
    );
    const handedOver = victimClusters.every(c => {
      const users = watchers(c, logMarks.get(c));
      return users.size === 1 && users.has(survivor.user);
    });
    check(
      'the handed-over clusters are watched by the survivor only',
      handedOver,
      victimClusters
        .map(c => `${c}: ${[...watchers(c, logMarks.get(c))].join('+')}`)
        .join(', '),
    );

    // A replica that stops cleanly gives its leases back at once.
    process.kill(-survivor.process.pid!, 'SIGTERM');
    await Promise.race([survivor.exited, sleep(20_000)]);
    const left = await db('certificates_leases').where({ kind: 'cluster' });
    check(
      'a replica stopping cleanly releases its cluster leases',
      left.length === 0,
      `${left.length} left`,
    );

    // ACME across replicas, on two fresh ones.
    const c = await startReplica('c');
    let fresh = await until(() => healthy(c), 120_000);
    const d = await startReplica('d');
    fresh = fresh && (await until(() => healthy(d), 120_000));
    check('two fresh replicas start for the ACME hand-over', Boolean(fresh));
    if (!fresh) return;
    const alice = await until(() => signIn(c, 'alice'), 60_000);
    const bob = await until(() => signIn(d, 'bob'), 60_000);
    const asScenario = (r: Replica) => ({
      name: r.name,
      pid: r.process.pid!,
      logs: r.logs,
      kill: async () => {
        process.kill(-r.process.pid!, 'SIGKILL');
        await r.exited;
      },
    });
    await acmeOrderHandedOver({
      acme,
      replicas: [asScenario(c), asScenario(d)],
      submit: async names => {
        const { csrPem } = await generateKeyAndCsr({
          keyAlgorithm: 'ECDSA-P256',
          dnsNames: names,
        });
        const res = await api(c, alice!, '/requests', {
          entityRef: 'component:default/shop',
          dnsNames: names,
          keyAlgorithm: 'ECDSA-P256',
          validityDays: 30,
          issuer: ACME_ISSUER,
          delivery: { kind: 'csr', csr: csrPem },
        });
        if (!res.body?.id)
          console.log(
            `replicas: ACME request ${res.status} ${JSON.stringify(res.body)}`,
          );
        return res.body?.id;
      },
      approve: async id =>
        (
          await api(d, bob!, `/requests/${id}/decision`, {
            decision: 'approve',
          })
        ).status,
      stateOf: async id => {
        const alive = [c, d].find(r => !r.gone)!;
        return (await api(alive, alice!, `/requests/${id}`)).body?.request
          ?.state;
      },
      leaseOwner: async id =>
        (
          await db!('certificates_requests').where({ id }).first()
        )?.lease_owner ?? undefined,
      orders: async id =>
        (
          await db!('certificates_acme_orders').where({ request_id: id })
        ).map(o => o.order_url as string),
      check,
      until,
    });
  } catch (e) {
    check('run', false, String((e as Error).stack ?? e));
  } finally {
    for (const r of replicas) {
      try {
        process.kill(-r.process.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const r of replicas) {
      writeFileSync(join(tmpdir(), `replica-${r.name}.log`), r.logs.join(''));
    }
    if (results.failed > 0) {
      for (const r of replicas) {
        console.log(`--- replica ${r.name} log (tail)`);
        console.log(r.logs.join('').slice(-4000));
      }
    }
    await db?.destroy();
    for (const plugin of [
      'certificates',
      'auth',
      'catalog',
      'notifications',
      'signals',
    ]) {
      await admin
        .raw(`DROP DATABASE IF EXISTS "${prefix}${plugin}" WITH (FORCE)`)
        .catch(() => undefined);
    }
    await admin.destroy();
    await Promise.all([...sims.values()].map(s => s.stop()));
    await acme?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main()
  .catch(e => check('run', false, String(e)))
  .finally(() => {
    if (typeof args.report === 'string') {
      writeFileSync(args.report, JSON.stringify(results, null, 2));
    }
    console.log(`replicas: ${results.passed} passed, ${results.failed} failed`);
    process.exit(results.failed === 0 ? 0 : 1);
  });
