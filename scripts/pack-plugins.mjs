#!/usr/bin/env node
// Packs every publishable package under plugins/ the way `npm publish` would
// see it: type declarations (`yarn tsc`), `backstage-cli repo build`, then
// `yarn pack`, whose prepack step points `main`, `types` and `exports` at
// dist/ and turns config.d.ts into config.schema.json.
//
//   node scripts/pack-plugins.mjs [--out=DIR] [--skip-build] [--skip-tsc]
//
// Writes DIR/<folder>.tgz (default .test-results/packs) and DIR/packs.json,
// { "<package name>": "<absolute tarball path>" }, for the adopter install test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;

function sh(cmd, cmdArgs, cwd = root, { mayFail = false } = {}) {
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  if (res.status !== 0 && !mayFail) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${res.status}`);
  }
  return (Date.now() - started) / 1000;
}

export function packPlugins({
  out = join(root, '.test-results/packs'),
  skipBuild = false,
  skipTsc = false,
} = {}) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const timings = {};
  if (!skipBuild) {
    // Declarations are written despite type errors, which the type-check
    // reports on its own: the tarballs are still worth installing.
    if (!skipTsc) timings.tsc = sh('yarn', ['tsc'], root, { mayFail: true });
    timings.build = sh('yarn', ['backstage-cli', 'repo', 'build']);
  }
  const started = Date.now();
  const packs = {};
  for (const folder of fs.readdirSync(join(root, 'plugins')).sort()) {
    const dir = join(root, 'plugins', folder);
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (pkg.private) continue;
    const file = join(out, `${folder}.tgz`);
    sh('yarn', ['pack', '--out', file], dir);
    packs[pkg.name] = file;
  }
  timings.pack = (Date.now() - started) / 1000;
  fs.writeFileSync(
    join(out, 'packs.json'),
    `${JSON.stringify(packs, null, 2)}\n`,
  );
  return { packs, timings };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { values: args } = parseArgs({
    options: {
      out: { type: 'string' },
      'skip-build': { type: 'boolean' },
      'skip-tsc': { type: 'boolean' },
    },
  });
  const out = resolve(root, args.out ?? '.test-results/packs');
  const { packs, timings } = packPlugins({
    out,
    skipBuild: Boolean(args['skip-build']),
    skipTsc: Boolean(args['skip-tsc']),
  });
  console.log(`packed ${Object.keys(packs).length} packages into ${out}`);
  console.log(`timings (s): ${JSON.stringify(timings)}`);
}
