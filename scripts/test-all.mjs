#!/usr/bin/env node
// Runs every suite and prints one closing line "N passed, N failed" with the
// totals over all of them: type-check and lint count as one check each, then
// every jest test and every end-to-end test. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const only = new Set(process.argv.slice(2));
const want = name => only.size === 0 || only.has(name);
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(
    `=== ${name}: exit ${res.status} in ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
  return res.status === 0;
}

function check(name, ok) {
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(name);
  }
}

if (
  process.env.CI &&
  !process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
) {
  console.error(
    'PostgreSQL is not configured: store tests would silently skip it',
  );
  check('postgres-configured', false);
}

if (want('tsc')) check('tsc', run('tsc', 'yarn', ['tsc']));
if (want('lint'))
  check('lint', run('lint', 'yarn', ['backstage-cli', 'repo', 'lint']));
// The OpenAPI spec and what is generated from it (router spec, client types) agree.
if (want('openapi'))
  check('openapi', run('openapi', 'node', ['scripts/openapi.mjs', '--check']));

if (want('jest')) {
  const jsonFile = join(out, 'jest.json');
  const ok = run(
    'jest',
    'yarn',
    [
      'backstage-cli',
      'repo',
      'test',
      '--watchAll=false',
      '--ci',
      '--logHeapUsage',
      // Two workers, each replaced after every test file (any worker holds
      // more than 1 MB): work a suite left running after its afterAll (on a
      // database TestDatabases had already destroyed) failed whichever test
      // ran next in the same worker with knex's "Unable to acquire a
      // connection", even tests on a fresh database of their own, in a
      // different file each time. A fresh worker per file costs about 10%
      // of the step; it also bounds jsdom + MUI memory.
      '--maxWorkers=2',
      '--workerIdleMemoryLimit=1MB',
      // The reliability suites run in their own step below, with their report.
      '--testPathIgnorePatterns=__reliability__',
      '--json',
      `--outputFile=${jsonFile}`,
    ],
    {
      CI: 'true',
      NODE_OPTIONS: `${
        process.env.NODE_OPTIONS ?? ''
      } --max-old-space-size=6144`.trim(),
    },
  );
  if (existsSync(jsonFile)) {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    if (report.numFailedTests > 0)
      failures.push(`jest: ${report.numFailedTests} tests`);
    // Suites that failed to run (syntax errors, crashes) count as failures too.
    const broken = report.testResults.filter(
      r => r.status === 'failed' && r.assertionResults.length === 0,
    );
    for (const r of broken) check(`jest suite ${r.name}`, false);
    // Jest prints an error without a message (e.g. an AggregateError from a
    // refused connection) as an empty failure: show what the error object held.
    for (const a of report.testResults.flatMap(r => r.assertionResults)) {
      if (a.status !== 'failed') continue;
      const details = JSON.stringify({
        messages: a.failureMessages,
        details: a.failureDetails,
      }).slice(0, 2000);
      console.error(`jest failure details, ${a.fullName}: ${details}`);
    }
    const pgTests = report.testResults
      .flatMap(r => r.assertionResults)
      .filter(a => /POSTGRES/.test(a.fullName));
    if (
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING &&
      pgTests.length === 0
    ) {
      console.error(
        'No PostgreSQL store test ran although PostgreSQL is configured',
      );
      check('postgres-tests-ran', false);
    }
    console.log(
      `jest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${pgTests.length} on PostgreSQL`,
    );
  } else {
    check('jest (no report)', ok && false);
  }
}

if (want('reliability')) {
  // Named attacks, bad inputs, leak scan, fuzzing, concurrency, crashes and
  // watch faults at the CI scale; its last line is the counters' JSON.
  const reliabilityFile = join(out, 'reliability.json');
  const ok = run(
    'reliability',
    'node',
    [
      'scripts/reliability/run.mjs',
      '--ci',
      `--out=${join(out, 'reliability')}`,
      `--report=${reliabilityFile}`,
    ],
    { CI: 'true' },
  );
  if (existsSync(reliabilityFile)) {
    const report = JSON.parse(readFileSync(reliabilityFile, 'utf8'));
    totals.passed += report.passed;
    totals.failed += report.failed;
    if (report.failed > 0) failures.push(`reliability: ${report.failed} tests`);
    // Counters that must be zero (or attacks not held) fail the step even when every test passed.
    if (!ok && report.failed === 0)
      check(`reliability: ${report.problems.join('; ')}`, false);
  } else {
    check('reliability (no report)', false);
  }
}

/** Runs a script that writes { passed, failed } to --report and adds its counts. */
function runCounted(name, script, extraArgs = []) {
  const file = join(out, `${name}.json`);
  run(name, 'node', [script, `--report=${file}`, ...extraArgs]);
  if (!existsSync(file)) {
    check(`${name} (no report)`, false);
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.passed;
  totals.failed += report.failed;
  if (report.failed > 0) failures.push(`${name}: ${report.failed} tests`);
}

if (want('e2e')) runCounted('e2e', 'e2e/run.mjs');

// Two backend replicas on one PostgreSQL: one watcher per cluster, and the
// hand-over of a killed replica's clusters (see e2e/replicas/run.ts).
if (want('replicas')) runCounted('replicas', 'e2e/replicas/run.mjs');

if (want('api-reports')) {
  // The committed plugins/*/report*.api.md match the exported API. API
  // Extractor reads the declarations in dist-types/, which `yarn tsc` writes
  // even when it finds type errors (those fail the tsc step, not this one).
  run('api-reports: declarations', 'yarn', ['tsc']);
  check('api-reports', run('api-reports', 'yarn', ['build:api-reports:check']));
}

// The packed plugins installed, built and started in an app outside the
// workspace (PostgreSQL, Chromium); each of its stages counts as one test.
// The api-reports step has just written the declarations the packages need.
if (want('adopter')) {
  runCounted(
    'adopter',
    'e2e/adopter-app/run.mjs',
    want('api-reports') ? ['--skip-tsc'] : [],
  );
}

if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
