#!/usr/bin/env node
// Generates, from plugins/certificates-backend/src/schema/openapi.yaml:
//  - the backend's spec object (src/schema/openapi.generated.json), which the
//    router validates requests against, and
//  - the frontend's `paths` types (plugins/certificates/src/api/openapi.generated.ts)
//    via openapi-typescript, which the client is typed from.
// With --check it writes nothing and fails when a committed file differs
// from what the spec generates (the spec changed without regenerating).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'plugins/certificates/package.json'));
const yaml = require('js-yaml');
const openapiTypescript = require('openapi-typescript');
const openapiTS = openapiTypescript.default ?? openapiTypescript;
const { astToString } = openapiTypescript;

const specFile = join(
  root,
  'plugins/certificates-backend/src/schema/openapi.yaml',
);
const backendOut = join(
  root,
  'plugins/certificates-backend/src/schema/openapi.generated.json',
);
const frontendOut = join(
  root,
  'plugins/certificates/src/api/openapi.generated.ts',
);

const HEADER = [
  '// Generated from plugins/certificates-backend/src/schema/openapi.yaml by',
  '// `node scripts/openapi.mjs`: edit the YAML and regenerate, never this file.',
  '/* eslint-disable */',
  '',
].join('\n');

const spec = yaml.load(readFileSync(specFile, 'utf8'));

// JSON, not TypeScript: the router needs the object, not its literal type.
const backend = `${JSON.stringify(spec, null, 2)}\n`;

const frontend = `${HEADER}${astToString(
  await openapiTS(spec, { alphabetize: false, emptyObjectsUnknown: true }),
)}`;

const prettier = require('prettier');

/** As `prettier --write` would leave it, so the repo's format check agrees. */
async function formatted(file, text) {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, text] of [
  [backendOut, await formatted(backendOut, backend)],
  [frontendOut, await formatted(frontendOut, frontend)],
]) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  if (check) {
    console.error(
      `${file.slice(
        root.length,
      )} is not what the spec generates: run node scripts/openapi.mjs`,
    );
    stale += 1;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${file.slice(root.length)}`);
  }
}
if (check && !stale) console.log('openapi: generated files match the spec');
process.exit(stale ? 1 : 0);
