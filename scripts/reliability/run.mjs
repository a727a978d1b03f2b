#!/usr/bin/env node
// The reliability report: runs the suites in every `__reliability__` folder
// (named attacks, bad inputs, leak scan, fuzzing, concurrency, crashes, watch
// faults), sums the counters each suite writes, and prints them as one JSON
// object on the last line. Exits non-zero when a suite failed or a counter
// shows something that must never happen.
//
//   node scripts/reliability/run.mjs [--full | --ci] [--out=<dir>] [--report=<file>]
//
// Scale: --full or --ci; otherwise `ci` when CI=true, else `full`.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = name =>
  args.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ci = process.env.CI && process.env.CI !== 'false';
const scale = args.includes('--full')
  ? 'full'
  : args.includes('--ci')
  ? 'ci'
  : ci
  ? 'ci'
  : 'full';
const resultsDir = resolve(
  root,
  option('out') ?? join('.test-results', 'reliability'),
);
const countersDir = join(resultsDir, 'counters');
const jestFile = join(resultsDir, 'jest.json');

const COUNTERS = [
  'inputsTried',
  'rejected',
  'rowsWritten',
  'crashes',
  'fuzzedCsrs',
  'attacks',
  'attacksHeld',
  'faultsInjected',
  'missed',
  'phantom',
  'duplicateIssuances',
  'leaks',
];

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(countersDir, { recursive: true });

console.log(`reliability: scale ${scale}, counters in ${countersDir}`);
const started = Date.now();
const jest = spawnSync(
  'yarn',
  [
    'backstage-cli',
    'repo',
    'test',
    '--watchAll=false',
    '--ci',
    '--maxWorkers=2',
    '--json',
    `--outputFile=${jestFile}`,
    '__reliability__/',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      RELIABILITY_SCALE: scale,
      RELIABILITY_OUT: countersDir,
    },
  },
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

let passed = 0;
let failed = 0;
let jestOk = jest.status === 0;
if (existsSync(jestFile)) {
  const report = JSON.parse(readFileSync(jestFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  // A suite that could not run (syntax error, failing beforeAll) has no passing tests to show for it.
  const broken = report.testResults.filter(
    r => r.status === 'failed' && r.assertionResults.length === 0,
  );
  failed += broken.length;
  for (const r of broken)
    console.error(`suite did not run: ${r.name}\n${r.message ?? ''}`);
  if (report.numTotalTests === 0) jestOk = false;
} else {
  console.error('jest wrote no report');
  jestOk = false;
}

const totals = Object.fromEntries(COUNTERS.map(name => [name, 0]));
const files = readdirSync(countersDir).filter(f => f.endsWith('.json'));
const suites = new Set();
for (const file of files) {
  const { suite, counts } = JSON.parse(
    readFileSync(join(countersDir, file), 'utf8'),
  );
  suites.add(suite);
  for (const name of COUNTERS) {
    const value = Number(counts?.[name] ?? 0);
    if (Number.isFinite(value)) totals[name] += value;
  }
}

const problems = [];
if (!jestOk || failed > 0)
  problems.push(`jest: ${failed} failed (exit ${jest.status})`);
if (totals.rejected < totals.inputsTried)
  problems.push(
    `${totals.inputsTried - totals.rejected} bad inputs not rejected`,
  );
if (totals.attacksHeld < totals.attacks)
  problems.push(`${totals.attacks - totals.attacksHeld} attacks not held`);
for (const name of [
  'rowsWritten',
  'crashes',
  'duplicateIssuances',
  'missed',
  'phantom',
  'leaks',
]) {
  if (totals[name] > 0) problems.push(`${name} = ${totals[name]}`);
}

const reportFile = option('report');
if (reportFile) {
  writeFileSync(
    resolve(root, reportFile),
    JSON.stringify(
      {
        scale,
        seconds: Number(seconds),
        passed,
        failed,
        suites: [...suites].sort(),
        totals,
        problems,
      },
      null,
      2,
    ),
  );
}

console.log(
  `suites reporting: ${[...suites].sort().join(', ') || 'none'} (${
    files.length
  } files, ${seconds} s)`,
);
if (problems.length) console.log(`problems: ${problems.join('; ')}`);
console.log(`jest: ${passed} passed, ${failed} failed`);
console.log(JSON.stringify(totals));
process.exit(problems.length ? 1 : 0);
