#!/usr/bin/env node
// The import rules of src/, checked by `npm test` (npm run lint:imports):
//
//   layers      objects <- plumbing <- refs <- porcelain <- personas <- ui <- cli, tui
//               a module imports only from its own layer or the layers below it (top-level files such as
//               src/errors.ts are below every layer; the package's faces, src/index.ts and src/compat.ts, may
//               import anything, and others may take only types from them)
//   packages    only src/cli imports yargs; only src/tui imports ink and react
//   lazy TUI    src/cli reaches src/tui only through import() so other commands never load Ink and React
//   no cycles   no two modules import each other, directly or around a loop (type-only imports count:
//               a cycle of types still means neither file can be read or changed alone)
//
// Imports are read with swc's parser (static, type-only, re-exports, import(), `typeof import()`).
// Why not dependency-cruiser: its 18.x needs Node 22, and 17.x reads TypeScript through the TypeScript 5/6
// compiler API (TypeScript 7, our compiler, has none) or through swc without .tsx support.
//
//   node scripts/check-imports.mjs [--json]      exit 1 and one line per broken rule
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
export const LAYERS = ['objects', 'plumbing', 'refs', 'porcelain', 'personas', 'ui', ['cli', 'tui']];
const rank = new Map(LAYERS.flatMap((l, i) => (Array.isArray(l) ? l : [l]).map((n) => [n, i])));

const FACES = ['index.ts', 'compat.ts'];

/** The layer of a file under src/ ('' for top-level files), or null for the package's faces. */
function layerOf(rel) {
  const parts = rel.split('/');
  if (parts.length === 1) return FACES.includes(parts[0]) ? null : '';
  return parts[0];
}

function listSources(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Every module specifier of a file, with how it is imported. */
export function importsOf(code, file) {
  const ast = swc.parseSync(code, { syntax: 'typescript', tsx: file.endsWith('.tsx'), dynamicImport: true });
  const found = [];
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    switch (node.type) {
      case 'ImportDeclaration': {
        const typeOnly = node.typeOnly || (node.specifiers.length > 0 && node.specifiers.every((s) => s.isTypeOnly));
        found.push({ spec: node.source.value, kind: typeOnly ? 'type' : 'static' });
        return;
      }
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
        if (node.source) found.push({ spec: node.source.value, kind: node.typeOnly ? 'type' : 'static' });
        break;
      case 'CallExpression':
        if (node.callee?.type === 'Import' && node.arguments[0]?.expression?.type === 'StringLiteral')
          found.push({ spec: node.arguments[0].expression.value, kind: 'dynamic' });
        break;
      case 'TsImportType':
        found.push({ spec: node.argument.value, kind: 'type' });
        break;
    }
    for (const k in node) if (k !== 'span') visit(node[k]);
  };
  visit(ast.body);
  return found;
}

/** `./x.js` from a .ts file names x.ts or x.tsx (NodeNext style); null when it is not one of ours. */
function resolveLocal(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ])
    if (existsSync(c) && /\.tsx?$/.test(c)) return c;
  return null;
}

export function check(files = listSources(src)) {
  const problems = [];
  const graph = new Map();
  for (const file of files) {
    const rel = relative(src, file).split('\\').join('/');
    const from = layerOf(rel);
    const edges = [];
    for (const { spec, kind } of importsOf(readFileSync(file, 'utf8'), file)) {
      const pkg = spec.startsWith('.') || spec.startsWith('node:') ? null : spec.split('/')[0];
      if (pkg === 'yargs' && from !== 'cli') problems.push(`${rel}: imports yargs (only src/cli may)`);
      if ((pkg === 'ink' || pkg === 'react') && from !== 'tui')
        problems.push(`${rel}: imports ${pkg} (only src/tui may)`);
      const target = resolveLocal(file, spec);
      if (!target) continue;
      const trel = relative(src, target).split('\\').join('/');
      const to = layerOf(trel);
      edges.push(target);
      if (from === null || to === '' || from === to) continue;
      if (to === null) {
        if (kind !== 'type')
          problems.push(`${rel}: imports ${trel} (import the module itself; ${trel} is the package's face)`);
        continue;
      }
      if (from === 'cli' && to === 'tui') {
        if (kind !== 'dynamic' && kind !== 'type')
          problems.push(`${rel}: imports ${trel} statically (use import() so other commands do not load Ink)`);
        continue;
      }
      if (from === '' || rank.get(to) >= rank.get(from))
        problems.push(
          `${rel}: imports ${trel} (src/${from || rel} may not import src/${to}: ${LAYERS.flat().join(' <- ')})`,
        );
    }
    graph.set(file, edges);
  }
  for (const cycle of cycles(graph)) problems.push(`import cycle: ${cycle.map((f) => relative(src, f)).join(' -> ')}`);
  return problems;
}

/** Strongly connected components of more than one file (Tarjan), each as a loop to print. */
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push([...comp.reverse(), comp[0]]);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = check();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  else for (const p of problems) process.stdout.write(`${p}\n`);
  if (problems.length) {
    process.stderr.write(`${problems.length} import rule(s) broken (see scripts/check-imports.mjs)\n`);
    process.exitCode = 1;
  } else process.stdout.write('import rules hold\n');
}
