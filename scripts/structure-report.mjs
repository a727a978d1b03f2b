#!/usr/bin/env node
// Prints one JSON line about the backend plugin's structure:
//  - folderCycles: strongly connected groups of top-level folders of
//    plugins/certificates-backend/src that import each other (production files)
//  - upwardImports: production imports from a folder into the composition
//    layer (the files directly in src/, e.g. plugin.ts, createServices.ts)
//  - largestProductionFile: the longest non-test, non-generated .ts/.tsx under plugins/*/src
// Usage: node scripts/structure-report.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const backendSrc = path.join(root, 'plugins/certificates-backend/src');

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

function isProduction(file) {
  return (
    !/\.test\.tsx?$/.test(file) &&
    !file.split(path.sep).some(p => p.startsWith('__') && p.endsWith('__')) &&
    !/setupTests\.ts$/.test(file) &&
    // Generated from the OpenAPI spec (scripts/openapi.mjs), not written.
    !/\.generated\.tsx?$/.test(file)
  );
}

function resolveImport(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The top-level folder of src a file belongs to, or '.' for files in src itself. */
function folderOf(file) {
  const rel = path.relative(backendSrc, file).split(path.sep);
  return rel.length === 1 ? '.' : rel[0];
}

const importPattern =
  /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]*)['"]/g;

const files = walk(backendSrc).filter(isProduction);
const edges = new Map();
let upwardImports = 0;
const upward = [];
const fileEdges = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const from = folderOf(file);
  for (const match of text.matchAll(importPattern)) {
    const target = resolveImport(file, match[1]);
    if (!target || !target.startsWith(backendSrc)) continue;
    const to = folderOf(target);
    if (from !== '.' && to === '.') {
      upwardImports++;
      upward.push(
        `${path.relative(backendSrc, file)} -> ${path.relative(
          backendSrc,
          target,
        )}`,
      );
    }
    if (from === to || from === '.' || to === '.') continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
    fileEdges.push([
      from,
      to,
      `${path.relative(backendSrc, file)} -> ${path.relative(
        backendSrc,
        target,
      )}`,
    ]);
  }
}

// Tarjan's strongly connected components over the folder graph.
const folders = [
  ...new Set([...edges.keys(), ...[...edges.values()].flatMap(s => [...s])]),
].sort();
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!state.has(w)) {
      connect(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) {
      state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const group = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  }
}
for (const f of folders) if (!state.has(f)) connect(f);

// Every pair of folders importing each other directly, the easiest to read.
const mutualPairs = [];
for (const [a, targets] of edges) {
  for (const b of targets) {
    if (a < b && edges.get(b)?.has(a)) mutualPairs.push(`${a}<->${b}`);
  }
}

let largest = { file: '', lines: 0 };
for (const file of walk(path.join(root, 'plugins'))) {
  const rel = path.relative(root, file);
  if (!/^plugins\/[^/]+\/src\//.test(rel) || !isProduction(file)) continue;
  const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
  if (lines > largest.lines) largest = { file: rel, lines };
}

const report = {
  folderCycles: cycles.length,
  cycleGroups: cycles.map(g => g.join(',')),
  mutualPairs: mutualPairs.sort(),
  upwardImports,
  ...(process.argv.includes('--verbose')
    ? {
        upward,
        mutualImports: fileEdges
          .filter(([a, b]) => edges.get(b)?.has(a))
          .map(([, , text]) => text),
      }
    : {}),
  largestProductionFile: largest,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
