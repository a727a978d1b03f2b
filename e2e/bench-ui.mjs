#!/usr/bin/env node
// UI benchmark in headless Chromium (playwright-core, Debian's /usr/bin/chromium)
// against the built app served by a started backend whose only cluster is a
// simulated one holding N TLS Secrets (1,000 owned by payments-api).
//
//   yarn bench:ui [--n 100000] [--runs 5] [--skip-build] [--hold] [--port 7107]
//
// Times, after one warm-up each, until the first row is visible:
// - in the open app, as a user moves around it: the entity's Certificates tab
//   (1,000 certificates) clicked from the entity's overview
//   (entityTab1000Ms), the inventory overview clicked from the sidebar, its
//   table of all N certificates (paged and filtered by the server) opened from
//   the overview (inventoryFirstPageMs), and that table filtered by status;
// - full page loads (the browser loads the app, which starts, signs in, then
//   renders the page): a plain catalog page as the baseline of the app's own
//   start-up, the entity tab and the inventory table.
// The last line printed is one JSON object with the medians.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;

function arg(name, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? true : next;
    }
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return fallback;
}

const N = Number(arg('n', 100_000));
const RUNS = Number(arg('runs', 5));
// The app is built with e2e/app-config.e2e.yaml (port 7107). --port N serves
// it elsewhere: the backend injects its own base URLs into the built app when
// it starts, so the bundle follows (while another backend holds 7107).
const PORT = Number(arg('port', 7107));
const SKIP_BUILD = Boolean(arg('skip-build', false));
// Keeps the backend and the cluster up after the sync, for profiling by hand.
const HOLD = Boolean(arg('hold', false));
const baseUrl = `http://localhost:${PORT}`;
const ENTITY_REF = 'component:default/payments-api';
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = msg => console.log(`bench:ui [${elapsed()}] ${msg}`);

const children = [];
function signalChildren(signal) {
  for (const c of children) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    try {
      if (c.detached) process.kill(-c.proc.pid, signal);
      else c.proc.kill(signal);
    } catch {
      /* already gone */
    }
  }
}
// A backend busy with its inventory can take longer than the bench to stop
// on SIGTERM, and one left behind holds the port for every later run: what
// has not exited after a few seconds is killed.
async function cleanup() {
  signalChildren('SIGTERM');
  const until = Date.now() + 5_000;
  while (
    Date.now() < until &&
    children.some(c => c.proc.exitCode === null && c.proc.signalCode === null)
  ) {
    await new Promise(r => setTimeout(r, 100));
  }
  signalChildren('SIGKILL');
}
// Stop the children on Ctrl-C and on kill too: an orphaned backend whose
// log pipe is gone would spin on EPIPE errors.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

const configArgs = [
  '--config', join(root, 'app-config.yaml'),
  '--config', join(root, 'e2e/app-config.e2e.yaml'),
];

const inUse = await fetch(baseUrl).then(() => true, () => false);
if (inUse) {
  console.error(`bench:ui: ${baseUrl} is already in use (an e2e run?)`);
  process.exit(1);
}

if (!SKIP_BUILD) {
  log('building the app');
  const build = spawnSync('yarn', ['workspace', 'app', 'build', ...configArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(1);
}

// 1. The simulated cluster, in its own process.
log(`loading ${N} TLS Secrets into the simulated cluster`);
const cluster = fork(join(root, 'e2e/bench-ui-cluster.ts'), ['--n', String(N)], {
  execArgv: ['-r', 'sucrase/register', '--max-old-space-size=8192'],
  cwd: root,
});
children.push({ proc: cluster, detached: false });
const sim = await new Promise((resolve, reject) => {
  cluster.on('message', m => {
    if (m.loaded) log(`  ${m.loaded} Secrets loaded`);
    if (m.ready) resolve(m);
  });
  cluster.once('exit', code => reject(new Error(`simulated cluster exited with ${code}`)));
});
log(`simulated cluster at ${sim.url}: ${sim.n} Secrets, ${sim.owned} owned by payments-api`);

// 2. The backend, pointed at that cluster only.
const dataDir = mkdtempSync(join(tmpdir(), 'certificates-bench-ui-'));
const overlay = join(dataDir, 'bench.yaml');
writeFileSync(
  overlay,
  JSON.stringify({
    ...(PORT !== 7107 && {
      app: { baseUrl },
      backend: { baseUrl, listen: { port: PORT }, cors: { origin: baseUrl } },
    }),
    certificates: {
      clusters: [
        { name: 'bench', url: sim.url, skipTLSVerify: true, serviceAccountToken: sim.token },
      ],
      demoCluster: { enabled: false },
      // e2e re-reads owners every 5 s (each time re-judging every row); here
      // the first refresh (30 s after start) settles ownership and the
      // timings are not taken under that background load.
      discovery: { catalogRefreshInterval: { minutes: 30 } },
    },
  }),
);
log(`starting the backend on ${baseUrl} (data in ${dataDir})`);
const backend = spawn(
  process.execPath,
  [
    '--require', '@backstage/cli/config/nodeTransform.cjs',
    '--max-old-space-size=8192',
    'src/index.ts', ...configArgs, '--config', overlay,
  ],
  {
    cwd: join(root, 'packages/backend'),
    env: {
      ...process.env,
      CERTIFICATES_DATA_DIR: dataDir,
      NODE_ENV: 'development',
      KUBECONFIG: join(dataDir, 'no-kubeconfig'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  },
);
children.push({ proc: backend, detached: true });
const logs = [];
backend.stdout.on('data', d => logs.push(d.toString()));
backend.stderr.on('data', d => logs.push(d.toString()));
backend.on('exit', (code, signal) =>
  log(`the backend exited (code ${code}, signal ${signal})`),
);

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

async function guestToken() {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function getJson(path, token) {
  // The progress polls only report: a dropped connection or an error while
  // the backend is busy scanning is asked again, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${baseUrl}/api/certificates${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      return await res.json();
    } catch (e) {
      if (attempt >= 5 || backend.exitCode !== null) throw e;
      log(`  GET ${path} failed (${e.cause?.code ?? e.message}); asking again`);
      await new Promise(r => setTimeout(r, 1_000));
    }
  }
}

/** Waits until the scan has synced all N rows and ownership has settled. */
async function waitForInventory(token) {
  let last = '';
  for (;;) {
    const { items } = await getJson('/clusters', token);
    const bench = items.find(c => c.name === 'bench');
    const owned = await getJson(
      `/certificates?entityRef=${encodeURIComponent(ENTITY_REF)}&limit=1`,
      token,
    );
    const line = `cluster bench: ${bench?.state ?? 'not listed'}, ${bench?.certificateCount ?? 0}/${N} rows, ${owned.totalCount}/${sim.owned} owned by payments-api`;
    if (line !== last) log(`  ${line}`);
    last = line;
    if (bench?.state === 'ok' && bench.certificateCount === N && owned.totalCount === sim.owned) {
      return;
    }
    if (backend.exitCode !== null) throw new Error('the backend exited');
    await new Promise(r => setTimeout(r, 2_000));
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = p => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { runs: sorted, median: at(50), p95: at(95) };
}

let browser;
let exitCode = 0;
try {
  await waitFor(`${baseUrl}/api/certificates/health`, 180_000);
  await waitFor(`${baseUrl}/`, 30_000);
  const syncStart = Date.now();
  await waitForInventory(await guestToken());
  const syncSeconds = (Date.now() - syncStart) / 1000;
  log(`inventory ready: ${N} rows in ${syncSeconds.toFixed(1)} s after the backend answered`);
  if (HOLD) {
    log(`--hold: serving ${baseUrl} until interrupted (Ctrl-C)`);
    await new Promise(() => {});
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(
    ([key, value]) => window.localStorage.setItem(key, value),
    ['certificates.signInAs', 'guest'],
  );

  const fullLoads = [
    {
      key: 'baselineCatalogMs',
      // app-config.yaml mounts the catalog index at /.
      name: 'catalog index (baseline)',
      path: '/',
      firstRow: page => page.locator('tbody tr', { hasText: 'payments-api' }).first(),
    },
    {
      key: 'entityTabFullLoadMs',
      name: `entity Certificates tab, full page load (${sim.owned} certificates)`,
      path: '/catalog/default/component/payments-api/certificates',
      firstRow: page => page.locator('tbody tr', { hasText: '.example.com' }).first(),
    },
    {
      key: 'inventoryFullLoadMs',
      name: `inventory table, full page load (${N} certificates)`,
      path: '/certificates?view=all',
      firstRow: page => page.locator('tbody tr', { hasText: '.example.com' }).first(),
    },
  ];

  // In-app navigation, as a user moves around an app that is already open:
  // the page is loaded first (not timed), then the click is timed until the
  // first row of the certificates table is visible.
  const inApp = [
    {
      key: 'entityTab1000Ms',
      name: `entity Certificates tab, opened from the entity's overview (${sim.owned} certificates)`,
      path: '/catalog/default/component/payments-api',
      // The overview has rendered its cards (the certificate health card
      // last): the network goes idle before the cards have their data.
      ready: page => page.getByText('Nearest expiry'),
      go: page => page.locator('a[href$="/payments-api/certificates"]').first().click(),
      firstRow: page => page.locator('tbody tr', { hasText: '.example.com' }).first(),
    },
    {
      key: 'inventoryOverviewMs',
      name: `inventory overview, opened from the sidebar (${N} certificates)`,
      path: '/',
      ready: page => page.locator('tbody tr', { hasText: 'payments-api' }).first(),
      go: page => page.getByRole('navigation').getByRole('link', { name: 'Certificates' }).click(),
      // The headline counts are the overview's first content.
      firstRow: page => page.getByText('Findings (non-compliance)'),
    },
    {
      key: 'inventoryFirstPageMs',
      name: `inventory table, opened from the overview's "All certificates" tab (${N} certificates)`,
      path: '/certificates',
      ready: page => page.getByText('Findings (non-compliance)'),
      go: page => page.getByRole('tab', { name: 'All certificates' }).click(),
      firstRow: page => page.locator('tbody tr', { hasText: '.example.com' }).first(),
    },
    {
      key: 'inventoryFilterMs',
      name: `inventory table filtered to "Expiring" (of ${N} certificates; the first rows were critical)`,
      path: '/certificates?view=all',
      ready: page => page.locator('tbody tr', { hasText: '.example.com' }).first(),
      // The status list is opened first (not timed); choosing is timed.
      prepare: page => page.getByLabel('Status', { exact: true }).click(),
      go: page => page.getByRole('option', { name: 'Expiring', exact: true }).click(),
      firstRow: page => page.locator('tbody tr').first().filter({ hasText: 'Expiring' }),
    },
  ];

  const figures = {};
  for (const s of inApp) {
    const times = [];
    for (let run = 0; run <= RUNS; run++) {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${baseUrl}${s.path}`);
      try {
        await s.ready(page).waitFor({ state: 'visible' });
      } catch (e) {
        await page.screenshot({ path: join(root, 'e2e/screenshots/bench-ui-FAILED.png') });
        throw new Error(`${s.name}: page not ready: ${e.message} (at ${page.url()})`);
      }
      await page.waitForLoadState('networkidle').catch(() => {});
      await s.prepare?.(page);
      const t0 = performance.now();
      await s.go(page);
      try {
        await s.firstRow(page).waitFor({ state: 'visible' });
      } catch (e) {
        await page.screenshot({ path: join(root, 'e2e/screenshots/bench-ui-FAILED.png') });
        throw new Error(`${s.name}: ${e.message} (at ${page.url()})`);
      }
      if (run > 0) times.push(Math.round(performance.now() - t0));
      await page.close();
    }
    const st = stats(times);
    figures[s.key] = st.median;
    figures[`${s.key.replace(/Ms$/, '')}P95Ms`] = st.p95;
    log(`${s.name}: median ${st.median} ms, p95 ${st.p95} ms (runs ${st.runs.join(', ')} ms)`);
  }

  for (const s of fullLoads) {
    const times = [];
    const bytes = [];
    for (let run = 0; run <= RUNS; run++) {
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      let apiBytes = 0;
      page.on('response', async res => {
        if (!res.url().includes('/api/certificates/')) return;
        const len = Number((await res.allHeaders())['content-length'] ?? NaN);
        if (Number.isFinite(len)) apiBytes += len;
        else apiBytes += (await res.body().catch(() => Buffer.alloc(0))).length;
      });
      const t0 = performance.now();
      await page.goto(`${baseUrl}${s.path}`, { waitUntil: 'commit' });
      try {
        await s.firstRow(page).waitFor({ state: 'visible' });
      } catch (e) {
        await page.screenshot({ path: join(root, 'e2e/screenshots/bench-ui-FAILED.png') });
        throw e;
      }
      const ms = performance.now() - t0;
      await page.waitForLoadState('networkidle').catch(() => {});
      if (run > 0) {
        times.push(Math.round(ms));
        bytes.push(apiBytes);
      }
      await page.close();
    }
    const st = stats(times);
    figures[s.key] = st.median;
    log(
      `${s.name}: median ${st.median} ms, p95 ${st.p95} ms (runs ${st.runs.join(', ')} ms; ` +
        `certificates API ${(Math.max(...bytes) / 1024).toFixed(0)} KiB per load)`,
    );
    figures[`${s.key.replace(/Ms$/, '')}P95Ms`] = st.p95;
  }
  const ratio = key => Math.round((figures[key] / figures.baselineCatalogMs) * 100) / 100;
  figures.entityTabFullLoadRatio = ratio('entityTabFullLoadMs');
  figures.inventoryFullLoadRatio = ratio('inventoryFullLoadMs');
  log(
    `full loads against the app's own start-up (${figures.baselineCatalogMs} ms): ` +
      `entity tab ${figures.entityTabFullLoadRatio}×, inventory table ${figures.inventoryFullLoadRatio}×`,
  );
  log(
    `entity tab with ${sim.owned} certificates, opened in the app: ${figures.entityTab1000Ms} ms, ` +
      `${figures.entityTab1000Ms <= 1000 ? 'within' : 'OVER'} the 1 s budget`,
  );
  console.log(
    JSON.stringify({
      n: N,
      owned: sim.owned,
      runs: RUNS,
      syncSeconds: Math.round(syncSeconds * 10) / 10,
      ...figures,
    }),
  );
} catch (e) {
  exitCode = 1;
  console.error(`bench:ui failed: ${e?.stack ?? e}`);
  console.error(logs.join('').slice(-6000));
} finally {
  await browser?.close().catch(() => {});
  cluster.send({ cmd: 'stop' });
  await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
