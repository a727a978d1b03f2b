import { TestDatabases } from '@backstage/backend-test-utils';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Watch } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import { spawn } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyDatabaseMigrations } from '../database';
import { generateKeyAndCsr } from '../delivery/keyAndCsr';
import { pendingKeySecretName } from '../delivery/KubernetesDelivery';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { scale, Tally } from './counters';
import {
  approverCaller,
  auditTrailProblems,
  Crash,
  CrashControl,
  startInstance,
  submitRequest,
} from './__testUtils__/crashHarness';

/*
 * The backend dies at a random point of approving and issuing a request
 * (before or after any call to the request store, the audit log, the
 * decisions, the CA, the delivery or the Kubernetes API: pending, approved,
 * issuing, CA signed but not recorded, recorded but the request not
 * updated, pending key written, Secret written, ...). A fresh instance on
 * the same database and cluster, its clock past the dead one's lease, then
 * recovers with at most two sweeps (the approver approving again when the
 * approval itself never committed). Every request must end issued, with
 * one certificate in the CA's records and, for Secret delivery, one write
 * of the Secret holding that certificate and its key, and every state
 * change since the request was submitted has its one audit record (the
 * change and its record commit together, or neither does). Requests whose
 * issuer is gone must end failed the same way, audited, nothing signed. A
 * few runs kill a real child process with SIGKILL instead.
 */

jest.setTimeout(30 * 60_000);

/** Per database: both databases together make the 200 (CI: 30) runs. */
const RUNS = scale(15, 100);
/** Per database: crashes while a request its issuer cannot sign fails. */
const FAILING_RUNS = scale(6, 25);
/** Kill runs in all, over SQLite (a file) and PostgreSQL, CSR and Secret delivery. */
const KILLS = scale(2, 8);
/** An issuer no longer configured: issuing a request of it fails. */
const RETIRED_ISSUER = 'retired-ca';
const NAMESPACE = 'payments';
const LATER = 10 * 60_000;
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);

function random(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const TERMINAL = ['issued', 'denied', 'cancelled', 'failed', 'revoked'];

/** CSR or Secret delivery from the built-in CA, or a CSR its retired issuer never signs. */
type Kind = 'csr' | 'secret' | 'refused';

describe('crashes during approval and issuance', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const tally = new Tally('crashes');
  const rng = random(SEED);
  const secretWrites = new Map<string, { added: number; modified: number }>();
  const crashSites = new Map<string, number>();
  /** Runs whose request lacked an audit record of one of its changes (or had extra ones). */
  const auditGaps = new Set<string>();
  let sim: KubernetesApiSimulator;
  let cluster: { url: string; token: string };
  let csrPem: string;
  let watching: AbortController;
  let serial = 0;

  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start({ historyTtlMs: 60 * 60_000 });
    sim.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    });
    cluster = { url: sim.url, token: sim.adminToken };
    ({ csrPem } = await generateKeyAndCsr({
      keyAlgorithm: 'ECDSA-P256',
      commonName: 'payments.example.com',
      dnsNames: ['payments.example.com'],
    }));
    // Every write of every Secret, as the cluster saw it.
    watching = await new Watch(sim.kubeConfig()).watch(
      `/api/v1/namespaces/${NAMESPACE}/secrets`,
      { resourceVersion: sim.resourceVersion },
      (type, object) => {
        const key = object?.metadata?.name;
        const counts = secretWrites.get(key) ?? { added: 0, modified: 0 };
        if (type === 'ADDED') counts.added++;
        if (type === 'MODIFIED') counts.modified++;
        secretWrites.set(key, counts);
      },
      () => undefined,
    );
  });

  afterAll(async () => {
    watching?.abort();
    await sim?.stop();
    // eslint-disable-next-line no-console
    console.info(
      `crashes seed ${SEED}, sites hit: ${JSON.stringify(
        Object.fromEntries([...crashSites].sort()),
      )}; ` + `runs with an incomplete audit trail: ${auditGaps.size}`,
    );
    tally.flush();
  });

  const submit = (knex: Knex, kind: Kind) =>
    submitRequest(knex, {
      kind: kind === 'secret' ? 'secret' : 'csr',
      csrPem,
      namespace: NAMESPACE,
      secretName: `crash-${serial++}-tls`,
      issuer: kind === 'refused' ? RETIRED_ISSUER : undefined,
    });

  /** A fresh instance finishes what the dead one left: approve again if needed, then sweep. */
  async function recover(knex: Knex, request: CertificateRequest) {
    const fresh = await startInstance({ knex, cluster, nowOffsetMs: LATER });
    if ((await fresh.store.get(request.id))?.state === 'pending') {
      // The approval never committed: the approver sees an error and tries again.
      await fresh.approvals.decide({
        caller: approverCaller(),
        requestId: request.id,
        decision: 'approve',
      });
    }
    let sweeps = 0;
    while (
      sweeps < 2 &&
      !TERMINAL.includes((await fresh.store.get(request.id))!.state)
    ) {
      await fresh.issuance.resume();
      sweeps++;
    }
    return { stored: (await fresh.store.get(request.id))!, sweeps };
  }

  /** The invariants after recovery; returns what is wrong and the counts. */
  async function verify(
    knex: Knex,
    request: CertificateRequest,
    stored: CertificateRequest,
    expected: 'issued' | 'failed' = 'issued',
  ) {
    const problems: string[] = [];
    const caRows = await knex('certificates_ca_issued').where({
      request_id: request.id,
    });
    const auditRows = await knex('certificates_audit')
      .where({ request_id: request.id })
      .orderBy('seq');
    const trail = auditRows.map(r => r.action);
    let duplicates = Math.max(0, caRows.length - 1);
    if (stored.state !== expected)
      problems.push(`state ${stored.state} (${stored.failureReason ?? ''})`);
    if (expected === 'issued') {
      if (caRows.length !== 1)
        problems.push(`${caRows.length} certificates in the CA's records`);
      if (caRows[0]?.serial_number !== stored.serialNumber)
        problems.push('the request names another serial');
    } else {
      if (caRows.length !== 0)
        problems.push(`${caRows.length} certificates in the CA's records`);
      if (!stored.failureReason?.includes(RETIRED_ISSUER))
        problems.push(`failed for another reason: ${stored.failureReason}`);
    }
    // Invariant 7: whatever point the process died at, no state change
    // lacks its record (nor is recorded twice).
    const gaps = auditTrailProblems(stored.state, auditRows);
    if (gaps.length) {
      auditGaps.add(request.id);
      problems.push(...gaps);
    }
    const rows =
      JSON.stringify(
        await knex('certificates_requests').where({ id: request.id }),
      ) + JSON.stringify(trail);
    if (rows.includes('PRIVATE KEY'))
      problems.push('a private key in the database');

    const name = request.delivery.secretName;
    if (request.delivery.kind === 'secret' && name) {
      const deadline = Date.now() + 2_000;
      while (!secretWrites.get(name)?.added && Date.now() < deadline)
        await sleep(10);
      const writes = secretWrites.get(name) ?? { added: 0, modified: 0 };
      duplicates += Math.max(0, writes.added + writes.modified - 1);
      if (writes.added !== 1 || writes.modified !== 0) {
        problems.push(
          `Secret written ${writes.added} + ${writes.modified} times`,
        );
      }
      const secret = sim.get<any>('v1', 'Secret', NAMESPACE, name);
      const leaf =
        secret &&
        new X509Certificate(
          Buffer.from(secret.data['tls.crt'], 'base64').toString(),
        );
      if (!leaf || leaf.serialNumber !== stored.serialNumber)
        problems.push('the Secret holds another certificate');
      if (leaf) {
        const key = createPrivateKey(
          Buffer.from(secret.data['tls.key'], 'base64').toString(),
        );
        const pair = createPublicKey(key)
          .export({ type: 'spki', format: 'der' })
          .equals(leaf.publicKey.export({ type: 'spki', format: 'der' }));
        if (!pair)
          problems.push('the Secret key does not match its certificate');
      }
      if (sim.get('v1', 'Secret', NAMESPACE, pendingKeySecretName(request)))
        problems.push('a pending key left');
    }
    return {
      problems,
      duplicates,
      stuck: TERMINAL.includes(stored.state) ? 0 : 1,
    };
  }

  /** Ticks of an undisturbed run of each kind: the range crash points are drawn from. */
  async function calibrate(knex: Knex) {
    const ticks: Record<Kind, number> = { csr: 0, secret: 0, refused: 0 };
    for (const kind of ['csr', 'secret', 'refused'] as const) {
      const control = new CrashControl();
      const instance = await startInstance({ knex, cluster, control });
      const request = await submit(knex, kind);
      await instance.approvals.decide({
        caller: approverCaller(),
        requestId: request.id,
        decision: 'approve',
      });
      const { problems } = await verify(
        knex,
        request,
        (await instance.store.get(request.id))!,
        kind === 'refused' ? 'failed' : 'issued',
      );
      expect(problems).toEqual([]);
      ticks[kind] = control.ticks;
    }
    return ticks;
  }

  /**
   * `runs` runs, each crashing an instance at a random point of approving
   * and issuing a request of the next of `kinds`, recovering and checking
   * it. A run that ends before its drawn point (a shorter path) crashes
   * nowhere: it is drawn again.
   */
  async function crashRuns(knex: Knex, kinds: Kind[], runs: number) {
    const ticks = await calibrate(knex);
    const problems: string[] = [];
    let faultsInjected = 0;
    let duplicateIssuances = 0;
    let missed = 0;
    let maxSweeps = 0;
    for (let run = 0; faultsInjected < runs && run < runs * 2; run++) {
      const kind = kinds[run % kinds.length];
      const at = 1 + rng(ticks[kind]);
      const request = await submit(knex, kind);
      const control = new CrashControl({ at });
      const dying = await startInstance({ knex, cluster, control });
      const outcome = await Promise.race([
        dying.approvals
          .decide({
            caller: approverCaller(),
            requestId: request.id,
            decision: 'approve',
          })
          .then(
            () => 'finished',
            error => (error instanceof Crash ? 'crashed' : `threw ${error}`),
          ),
        control.crashed.then(() => 'crashed'),
      ]);
      if (outcome.startsWith('threw'))
        problems.push(
          `run ${run} (${kind} at ${control.crashedAt}): ${outcome}`,
        );
      if (control.crashedAt) {
        faultsInjected++;
        crashSites.set(
          control.crashedAt,
          (crashSites.get(control.crashedAt) ?? 0) + 1,
        );
      }
      // What the dead process left is audited as it stands, before any recovery.
      const left = await knex('certificates_requests')
        .where({ id: request.id })
        .first('state');
      const leftGaps = auditTrailProblems(
        left.state,
        await knex('certificates_audit')
          .where({ request_id: request.id })
          .orderBy('seq'),
      );
      if (leftGaps.length) {
        auditGaps.add(request.id);
        problems.push(
          ...leftGaps.map(
            p =>
              `run ${run} (${kind}, crashed at ${control.crashedAt}), as left: ${p}`,
          ),
        );
      }
      const { stored, sweeps } = await recover(knex, request);
      maxSweeps = Math.max(maxSweeps, sweeps);
      const verdict = await verify(
        knex,
        request,
        stored,
        kind === 'refused' ? 'failed' : 'issued',
      );
      duplicateIssuances += verdict.duplicates;
      missed += verdict.stuck;
      problems.push(
        ...verdict.problems.map(
          p => `run ${run} (${kind}, crashed at ${control.crashedAt}): ${p}`,
        ),
      );
    }
    tally.add({ faultsInjected, duplicateIssuances, missed });
    return { problems, faultsInjected, duplicateIssuances, missed, maxSweeps };
  }

  it.each(databases.eachSupportedId())(
    `recovers from ${RUNS} crashes at random points, %p`,
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations({ knex });
      const result = await crashRuns(knex, ['csr', 'secret'], RUNS);
      expect(result.problems.slice(0, 10)).toEqual([]);
      expect(result.duplicateIssuances).toBe(0);
      expect(result.missed).toBe(0);
      expect(result.maxSweeps).toBeLessThanOrEqual(2);
      expect(result.faultsInjected).toBe(RUNS);
    },
  );

  it.each(databases.eachSupportedId())(
    `fails a request its issuer cannot sign, audited, through ${FAILING_RUNS} crashes, %p`,
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations({ knex });
      const result = await crashRuns(knex, ['refused'], FAILING_RUNS);
      expect(result.problems.slice(0, 10)).toEqual([]);
      expect(result.duplicateIssuances).toBe(0);
      expect(result.missed).toBe(0);
      expect(result.maxSweeps).toBeLessThanOrEqual(2);
      expect(result.faultsInjected).toBe(FAILING_RUNS);
    },
  );

  /** A child process approves and issues; it is killed with SIGKILL at the planned point. */
  async function killedChild(
    database: Knex.Config,
    requestId: string,
    crashAt: number,
  ) {
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, '__testUtils__', 'crashChild.ts'),
      ],
      {
        env: {
          ...process.env,
          CRASH_CHILD_INPUT: JSON.stringify({
            database,
            cluster,
            requestId,
            crashAt,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let errors = '';
    child.stderr.on('data', d => (errors += d));
    const exited = new Promise<number | null>(resolve =>
      child.on('exit', code => resolve(code)),
    );
    const stopped = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child did not stop: ${output} ${errors}`)),
        120_000,
      );
      child.stdout.on('data', d => {
        output += d;
        const line = /^(CRASH|DONE) (.*)$/m.exec(output);
        if (line) {
          clearTimeout(timer);
          resolve(output);
        }
      });
      child.on('exit', code => {
        clearTimeout(timer);
        if (!/^(CRASH|DONE) /m.test(output))
          reject(new Error(`child exited ${code}: ${output} ${errors}`));
      });
    });
    child.kill('SIGKILL');
    await exited;
    return stopped.trim();
  }

  it(`recovers after ${KILLS} real SIGKILLs of a child process`, async () => {
    const problems: string[] = [];
    let duplicateIssuances = 0;
    let missed = 0;
    const targets: Array<{
      name: string;
      knex: Knex;
      database: Knex.Config;
      done: () => Promise<void>;
    }> = [];
    const dir = mkdtempSync(path.join(tmpdir(), 'crash-sqlite-'));
    const sqlite: Knex.Config = {
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'portal.sqlite') },
      useNullAsDefault: true,
    };
    const sqliteKnex = knexFactory(sqlite);
    targets.push({
      name: 'SQLite file',
      knex: sqliteKnex,
      database: sqlite,
      done: async () => {
        await sqliteKnex.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    });
    if (databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
      const pg = await databases.init('POSTGRES_15');
      const { client, connection } = pg.client.config as Knex.Config;
      targets.push({
        name: 'PostgreSQL',
        knex: pg,
        database: { client, connection },
        done: async () => undefined,
      });
    }
    let kills = 0;
    try {
      const ticks = [];
      for (const target of targets) {
        await applyDatabaseMigrations({ knex: target.knex });
        ticks.push(await calibrate(target.knex));
      }
      // Alternating databases and deliveries; a child that finishes before its point is no kill.
      for (let i = 0; kills < KILLS && i < KILLS * 2; i++) {
        const target = targets[i % targets.length];
        const kind = (['csr', 'secret'] as const)[(i + Math.floor(i / 2)) % 2];
        const request = await submit(target.knex, kind);
        const at = 1 + rng(ticks[i % targets.length][kind]);
        const stopped = await killedChild(target.database, request.id, at);
        if (stopped.startsWith('CRASH')) kills++;
        const { stored } = await recover(target.knex, request);
        const verdict = await verify(target.knex, request, stored);
        duplicateIssuances += verdict.duplicates;
        missed += verdict.stuck;
        problems.push(
          ...verdict.problems.map(
            p => `${target.name} ${kind} ${stopped}: ${p}`,
          ),
        );
      }
    } finally {
      for (const target of targets) await target.done();
    }
    tally.add({ faultsInjected: kills, duplicateIssuances, missed });
    expect(kills).toBe(KILLS);
    expect(problems).toEqual([]);
    expect(duplicateIssuances).toBe(0);
    expect(missed).toBe(0);
  });
});
