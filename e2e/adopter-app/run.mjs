#!/usr/bin/env node
// The adopter install test: the plugins packed as npm would publish them,
// installed into the smallest Backstage app (this folder, copied outside the
// workspace so nothing resolves to the repository's sources), built, started,
// and checked through the API and in headless Chromium.
//
//   node e2e/adopter-app/run.mjs [--report=FILE] [--packs=DIR] [--skip-tsc] [--keep] [--update-lockfile]
//
// --packs reuses tarballs from scripts/pack-plugins.mjs, --skip-tsc trusts
// the declarations in dist-types/ to be fresh; --update-lockfile
// copies the install's yarn.lock back here (after a dependency change).
// Writes { passed, failed, tests, timings } to --report.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { packPlugins } from '../../scripts/pack-plugins.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../..');
const { values: args } = parseArgs({
  options: {
    report: { type: 'string' },
    packs: { type: 'string' },
    'skip-tsc': { type: 'boolean' },
    keep: { type: 'boolean' },
    'update-lockfile': { type: 'boolean' },
  },
});
const port = 7207;
const baseUrl = `http://localhost:${port}`;
const entityRef = 'component:default/payments-api';
const results = { passed: 0, failed: 0, tests: [], timings: {} };

function report() {
  if (args.report) writeFileSync(args.report, JSON.stringify(results, null, 2));
  console.log(`adopter: timings (s) ${JSON.stringify(results.timings)}`);
  console.log(`adopter: ${results.passed} passed, ${results.failed} failed`);
}

/** Runs one named step; a failed step ends the test (later steps need it). */
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.passed += 1;
    results.tests.push({ name, ok: true });
    console.log(`adopter: ok ${name}`);
  } catch (e) {
    results.failed += 1;
    results.tests.push({ name, ok: false, error: String(e?.message ?? e) });
    console.error(`adopter: FAILED ${name}: ${e?.stack ?? e}`);
    throw e;
  } finally {
    results.timings[name] = Number(((Date.now() - started) / 1000).toFixed(1));
  }
}

function sh(cmd, cmdArgs, cwd, env = {}) {
  const res = spawnSync(cmd, cmdArgs, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (res.status !== 0)
    throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${res.status}`);
}

/** Asks `done` every `interval` ms until it answers true; fails after `ms`. */
async function eventually(what, ms, done, interval = 1000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise(r => setTimeout(r, interval));
  }
}

const databaseUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
// Each plugin gets a database named <prefix><plugin id>: a fresh prefix per run.
const databasePrefix = `adopter_${randomBytes(4).toString('hex')}_`;

/** Drops the databases of this run. */
async function dropDatabases() {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${databasePrefix}%`],
    );
    for (const { datname } of rows)
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const work = mkdtempSync(join(tmpdir(), 'kubecerts-adopter-'));
const dataDir = join(work, 'data');
let backend;
let browser;
const logs = [];

try {
  if (!databaseUrl) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set (scripts/postgres.sh starts one)',
    );
  }
  let packs;
  await step('pack the plugins', async () => {
    if (args.packs) {
      packs = JSON.parse(readFileSync(join(args.packs, 'packs.json'), 'utf8'));
    } else {
      const out = join(work, 'packs');
      const packed = packPlugins({ out, skipTsc: Boolean(args['skip-tsc']) });
      packs = packed.packs;
      for (const [k, v] of Object.entries(packed.timings))
        results.timings[`pack: ${k}`] = Number(v.toFixed(1));
    }
  });

  await step('install from the tarballs', async () => {
    cpSync(here, work, {
      recursive: true,
      filter: src =>
        !/(^|\/)(node_modules|dist|data|run\.mjs|README\.md)$/.test(
          src.slice(here.length - 1),
        ),
    });
    mkdirSync(join(work, 'tarballs'), { recursive: true });
    // The package.json's resolutions name ./tarballs/<folder>.tgz.
    for (const file of Object.values(packs))
      copyFileSync(file, join(work, 'tarballs', basename(file)));
    if (!existsSync(join(work, 'yarn.lock')))
      copyFileSync(join(root, 'yarn.lock'), join(work, 'yarn.lock'));
    // Fresh tarballs differ from the locked ones by checksum only.
    sh('yarn', ['install'], work, {
      YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
      YARN_CHECKSUM_BEHAVIOR: 'update',
    });
    if (args['update-lockfile'])
      copyFileSync(join(work, 'yarn.lock'), join(here, 'yarn.lock'));
    const installed = JSON.parse(
      readFileSync(
        join(
          work,
          'node_modules/@kubecerts/backstage-plugin-certificates/package.json',
        ),
        'utf8',
      ),
    );
    if (
      !String(installed.exports?.['.']?.default ?? installed.main).startsWith(
        './dist/',
      ) &&
      !String(installed.main).startsWith('dist/')
    ) {
      throw new Error(
        `the installed frontend package points at ${installed.main}, not dist/`,
      );
    }
  });

  await step('build the app', async () => {
    sh('yarn', ['workspace', 'app', 'build'], work);
  });

  await step('start the backend', async () => {
    mkdirSync(dataDir, { recursive: true });
    backend = spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        'src/index.ts',
        '--config',
        '../../app-config.yaml',
      ],
      {
        cwd: join(work, 'packages/backend'),
        env: {
          ...process.env,
          NODE_ENV: 'development',
          ADOPTER_DATABASE_URL: databaseUrl,
          ADOPTER_DATABASE_PREFIX: databasePrefix,
          CERTIFICATES_CA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          CERTIFICATES_DATA_DIR: dataDir,
          KUBECONFIG: join(dataDir, 'no-kubeconfig'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    backend.stdout.on('data', d => logs.push(d.toString()));
    backend.stderr.on('data', d => logs.push(d.toString()));
    await eventually('the backend was not ready', 120_000, () =>
      fetch(`${baseUrl}/.backstage/health/v1/readiness`).then(
        r => r.ok,
        () => false,
      ),
    );
  });

  await step('API lists the entity certificates', async () => {
    const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    if (!auth.ok) throw new Error(`guest sign-in: ${auth.status}`);
    const token = (await auth.json()).backstageIdentity.token;
    // Ownership settles after the first catalog refresh.
    await eventually(
      `no certificate listed for ${entityRef}`,
      90_000,
      async () => {
        const res = await fetch(
          `${baseUrl}/api/certificates/certificates?entityRef=${encodeURIComponent(
            entityRef,
          )}`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        if (!res.ok)
          throw new Error(
            `GET /certificates: ${res.status} ${await res.text()}`,
          );
        const body = await res.json();
        return (body.items ?? body).length > 0;
      },
      2000,
    );
  });

  await step('Certificates tab shows a certificate', async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
    });
    await page.goto(
      `${baseUrl}/catalog/default/component/payments-api/certificates`,
    );
    // The default sign-in page of the new frontend system offers guest.
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .locator('tbody tr', { hasText: 'payments.shop.example.com' })
      .first()
      .waitFor({ timeout: 60_000 });
    const shots = join(root, 'e2e', 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({
      path: join(shots, 'adopter-certificates-tab.png'),
    });
  });
} catch (e) {
  if (!results.tests.length) {
    results.failed += 1;
    results.tests.push({
      name: 'setup',
      ok: false,
      error: String(e?.message ?? e),
    });
    console.error(`adopter: ${e?.message ?? e}`);
  }
  if (logs.length)
    console.error(
      `adopter: backend log (last lines):\n${logs
        .join('')
        .split('\n')
        .slice(-40)
        .join('\n')}`,
    );
} finally {
  await browser?.close().catch(() => {});
  if (backend) {
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (databaseUrl)
    await dropDatabases().catch(e =>
      console.error(`adopter: dropping databases: ${e}`),
    );
  // Removing a Backstage app's node_modules takes minutes on a busy
  // machine: it goes on after the report.
  if (!args.keep)
    spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref();
  else console.log(`adopter: kept ${work}`);
  report();
}
process.exit(results.failed === 0 ? 0 : 1);
