#!/usr/bin/env node
// End-to-end tests in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium) against the built app served by a started backend whose
// only cluster is the simulated demo cluster. Screenshots go to
// e2e/screenshots/ (git-ignored). Writes { passed, failed } to --report.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { tests } from './tests.mjs';
import { layoutTests } from './layout.mjs';
import { scaffolderTests } from './scaffolder.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = Object.fromEntries(
  process.argv.slice(2).map(a => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const port = 7107;
const baseUrl = `http://localhost:${port}`;
const shots = join(root, 'e2e', 'screenshots');
mkdirSync(shots, { recursive: true });
const results = { passed: 0, failed: 0, tests: [] };

function report() {
  if (args.report) writeFileSync(args.report, JSON.stringify(results, null, 2));
  console.log(`e2e: ${results.passed} passed, ${results.failed} failed`);
}

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

const configArgs = [
  '--config',
  join(root, 'app-config.yaml'),
  '--config',
  join(root, 'e2e/app-config.e2e.yaml'),
];

if (!args['skip-build']) {
  console.log('e2e: building the app');
  const build = spawnSync(
    'yarn',
    ['workspace', 'app', 'build', ...configArgs],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) {
    results.failed += 1;
    results.tests.push({ name: 'build app', ok: false });
    report();
    process.exit(1);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'certificates-e2e-'));
console.log(`e2e: starting the backend on ${baseUrl} (data in ${dataDir})`);
// The backend runs from source through the CLI's transform, without the
// file watcher of `backstage-cli package start` (a restart mid-test would
// look like a crash).
const backend = spawn(
  process.execPath,
  [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    'src/index.ts',
    ...configArgs,
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
const logs = [];
backend.stdout.on('data', d => logs.push(d.toString()));
backend.stderr.on('data', d => logs.push(d.toString()));

let browser;
try {
  await waitFor(`${baseUrl}/api/certificates/health`, 120_000);
  await waitFor(`${baseUrl}/`, 30_000);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  for (const t of [...tests, ...layoutTests, ...scaffolderTests]) {
    if (args.only && !t.name.includes(args.only)) continue;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const started = Date.now();
    try {
      await t.run({ page, context, baseUrl, shots, browser });
      results.passed += 1;
      results.tests.push({ name: t.name, ok: true, ms: Date.now() - started });
      console.log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      results.failed += 1;
      results.tests.push({ name: t.name, ok: false, error: String(e) });
      console.log(`  ✗ ${t.name}: ${e.stack ?? e}`);
      await page
        .screenshot({
          path: join(shots, `FAILED-${t.name.replace(/\W+/g, '-')}.png`),
        })
        .catch(() => {});
    }
    await context.close();
  }
} catch (e) {
  results.failed += 1;
  results.tests.push({ name: 'start', ok: false, error: String(e) });
  console.log(`e2e: ${e}`);
  console.log(logs.join('').slice(-8000));
} finally {
  await browser?.close();
  try {
    process.kill(-backend.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  rmSync(dataDir, { recursive: true, force: true });
}
writeFileSync(join(root, 'e2e', 'screenshots', 'backend.log'), logs.join(''));
if (results.failed > 0)
  console.log(`backend log (tail):\n${logs.join('').slice(-6000)}`);
report();
process.exit(results.failed === 0 ? 0 : 1);
