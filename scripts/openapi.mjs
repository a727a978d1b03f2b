#!/usr/bin/env node
// Generates, from plugins/certificates-backend/src/schema/openapi.yaml:
//  - the backend's spec object (src/schema/openapi.generated.json), which the
//    router validates requests against, and
//  - the frontend's `paths` types (plugins/certificates/src/api/openapi.generated.ts)
//    via openapi-typescript, which the client is typed from.
// Schemas that -common declares as types of the same name are not written
// out again: the frontend's types name -common's, and every run proves that
// each of those still fits what the spec says (an enum: has the same values).
// With --check it writes nothing and fails when a committed file differs
// from what the spec generates (the spec changed without regenerating).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'plugins/certificates/package.json'));
const yaml = require('js-yaml');
const openapiTypescript = require('openapi-typescript');
const openapiTS = openapiTypescript.default ?? openapiTypescript;
const { astToString } = openapiTypescript;
const ts = require('typescript');

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

const GENERATE = { alphabetize: false, emptyObjectsUnknown: true };

/** Spec enums that -common declares: the same values both ways. */
const COMMON_ENUMS = [
  'CertificateStatus',
  'FindingKind',
  'KeyAlgorithmChoice',
  'DeliveryKind',
  'RequestState',
  'AuditAction',
  'RevocationReason',
  'DecisionKind',
];
/** Spec objects that -common declares: the spec must allow what -common holds. */
const COMMON_OBJECTS = [
  'Violation',
  'ValidationResult',
  'Delivery',
  'CertificateRequestInput',
  'BulkDecisionResult',
  'ApprovalDecision',
  'CertificateRequest',
  'RequestListResponse',
  'ApprovalsListResponse',
  'AuditRecord',
  'IssuerInfo',
  'EntityPolicy',
  'RenewOutcome',
  'CertificateSummary',
  'CertificateDetails',
  'CertificateListResponse',
  'CountsResponse',
  'TimelineBucket',
  'ClusterSyncStatus',
  'EndpointScanStatus',
];
const schemaAt = name => `#/components/schemas/${name}`;
/** By JSON pointer: the -common type that stands for it, and whether exactly. */
const commonTypes = new Map([
  ...COMMON_ENUMS.map(name => [schemaAt(name), { name, exact: true }]),
  ...COMMON_OBJECTS.map(name => [schemaAt(name), { name, exact: false }]),
  ['#/components/parameters/sort', { name: 'SortField', exact: true }],
]);
const COMMON_IMPORT =
  "import type * as Common from '@kubecerts/backstage-plugin-certificates-common';\n";

const frontend = `${HEADER}${COMMON_IMPORT}${astToString(
  await openapiTS(spec, {
    ...GENERATE,
    transform(_schema, { path }) {
      const common = commonTypes.get(path);
      return common
        ? ts.factory.createTypeReferenceNode(`Common.${common.name}`)
        : undefined;
    },
  }),
)}`;

/**
 * Type-checks, beside the frontend's types, each -common type against the
 * spec's own: what -common calls a request, an answer or an enum is what
 * the spec allows. Returns the failures, one line each.
 */
async function conformanceFailures() {
  const asSpec = astToString(
    await openapiTS(spec, {
      ...GENERATE,
      // A free-form object in the spec accepts any object type.
      transform: schema =>
        schema.type === 'object' &&
        !schema.properties &&
        !schema.additionalProperties
          ? ts.factory.createTypeReferenceNode('object')
          : undefined,
    }),
  );
  const checks = [...commonTypes].flatMap(([pointer, { name, exact }]) => {
    const [, , section, key] = pointer.split('/');
    const specType = `components['${section}']['${key}']`;
    const fits = {
      fits: [`Common.${name}`, specType],
      failure: `-common's ${name} holds what the spec's ${key} does not allow`,
    };
    const covers = {
      fits: [specType, `Common.${name}`],
      failure: `the spec's ${key} allows values -common's ${name} lacks`,
    };
    return exact ? [fits, covers] : [fits];
  });
  const file = join(dirname(frontendOut), '__conformance__.ts');
  const text = [
    COMMON_IMPORT,
    asSpec,
    'type Fits<A, B> = [A] extends [B] ? true : false;',
    ...checks.map(
      ({ fits: [a, b] }, i) => `export const c${i}: Fits<${a}, ${b}> = true;`,
    ),
  ].join('\n');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022)
      : getSourceFile.call(host, name, ...rest);
  host.fileExists = name => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  const lines = text.split('\n');
  return ts.getPreEmitDiagnostics(program).map(d => {
    if (d.file?.fileName !== file) {
      return ts.flattenDiagnosticMessageText(d.messageText, ' ');
    }
    const line = lines[d.file.getLineAndCharacterOfPosition(d.start).line];
    const index = /^export const c(\d+):/.exec(line)?.[1];
    return index === undefined
      ? ts.flattenDiagnosticMessageText(d.messageText, ' ')
      : checks[Number(index)].failure;
  });
}

const prettier = require('prettier');

/** As `prettier --write` would leave it, so the repo's format check agrees. */
async function formatted(file, text) {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

const check = process.argv.includes('--check');
let stale = 0;
const failures = await conformanceFailures();
for (const failure of failures) console.error(failure);
if (failures.length) {
  console.error(
    'openapi: -common no longer matches the spec; fix one or the other',
  );
  process.exit(1);
}
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
