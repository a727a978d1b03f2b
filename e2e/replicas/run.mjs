#!/usr/bin/env node
// Runs run.ts (two backend replicas on one PostgreSQL) through the CLI's
// TypeScript transform; arguments pass through (--report=FILE).
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;
const res = spawnSync(
  process.execPath,
  [
    '--require',
    '@backstage/cli/config/nodeTransform.cjs',
    'e2e/replicas/run.ts',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(res.status ?? 1);
