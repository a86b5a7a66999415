#!/usr/bin/env node
// `npm test`: lint (oxlint), format check (prettier), import rules (scripts/check-imports.mjs), type-check,
// build (the CLI tests run bin/vault, which loads dist/), then run every test/**/*.test.ts in its own
// process (`node --import tsx FILE`, uvu runs the suite on its own), two at a time, and add up uvu's
// "Total / Passed / Skipped" lines.
//
//   node test/run.mjs                 every test file (npm test; CI)
//   node test/run.mjs --quick         all but the slow scenario files (npm run test:quick, the edit-test loop)
//   node test/run.mjs restore cli     only files whose path contains one of these words
//
// A committed `.only` fails the run (it hides every other test of its file), and so does a test file that
// ran no test, or a skipped test (VAULT_ALLOW_SKIP=1 accepts skips, for a machine without tmux, say).
// Ends with exactly one line "N passed, N failed"; exits 1 if anything failed or nothing ran.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** what prettier formats (package.json's format script says the same) */
const FORMATTED = ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx,mjs}', 'bench/**/*.{mjs,mts}', 'scripts/**/*.mjs'];
const quick = process.argv.includes('--quick');
const filters = process.argv.slice(2).filter((a) => a !== '--quick');
// the slow scenario files --quick leaves out (full runs and CI run them)
const SLOW = ['sync/big', 'realFs', 'cli/pipe', 'tui/e2e', 'reliability/crash', 'bigFile', 'openTime', 'concurrency'];
const FILE_TIMEOUT_MS = 4 * 60 * 1000;
// Long files start first so the two lanes finish together.
const SLOW_FIRST = ['sync/big', 'crash', 'bigFile', 'commit', 'cli', 'realFs'];

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = opts.timeout
      ? setTimeout(() => {
          out += `\n[run.mjs] killed after ${opts.timeout / 1000} s\n`;
          child.kill('SIGKILL');
        }, opts.timeout)
      : undefined;
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, signal, out, ms: Date.now() - started });
    });
  });
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

function findTests(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts') && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(dir, f))
    .sort();
}

/** uvu's summary of one file: failed = total - passed (skipped tests are not in total). */
function parseUvu(text) {
  const num = (label) => {
    const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  if (total === null || passed === null) return null;
  return { total, passed, failed: total - passed, skipped: skipped ?? 0 };
}

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
const t0 = Date.now();

// 1. lint, format, import rules and type-check of the sources and the tests (test/tsconfig.json), side by side
const checks = [
  ['lint', 'npx', ['oxlint', '--quiet', 'src', 'test', 'bench', 'scripts']],
  ['format', 'npx', ['prettier', '--check', '--log-level', 'warn', ...FORMATTED]],
  ['import rules', process.execPath, ['scripts/check-imports.mjs']],
  ['typecheck src', 'npx', ['tsc', '-p', '.', '--noEmit']],
  ['typecheck test', 'npx', ['tsc', '-p', 'test', '--noEmit']],
];
for (const [label, cmd, args, r] of await Promise.all(checks.map(async (c) => [...c, await run(c[1], c[2])]))) {
  if (r.code !== 0) {
    failed++;
    problems.push(label);
    const hint = label === 'format' ? '\n    fix with: npm run format' : '';
    console.log(`✘ ${label} (${cmd === process.execPath ? 'node' : cmd} ${args.join(' ')})\n${indent(r.out)}${hint}`);
  } else console.log(`✓ ${label}`);
}

// 2. build dist/ for the CLI tests: the project's own build (tsc, then whatever else `npm run build` does)
const build = await run('npm', ['run', '--silent', 'build']);
if (build.code !== 0) {
  failed++;
  problems.push('build');
  console.log(`✘ build (npm run build)\n${build.out}`);
} else console.log('✓ build (npm run build)');

// 3. the test files
let files = findTests(join(root, 'test'));
if (filters.length) files = files.filter((f) => filters.some((w) => relative(root, f).includes(w)));
if (quick) files = files.filter((f) => !SLOW.some((w) => relative(root, f).includes(w)));
// `.only` runs one test of a file and reports the rest as nothing at all: never let one be committed
for (const f of findTests(join(root, 'test'))) {
  const m = /^.*\b(test|it|describe|suite)\.only\(.*$/m.exec(readFileSync(f, 'utf8'));
  if (m) {
    failed++;
    problems.push(relative(root, f));
    console.log(`✘ ${relative(root, f)}: a committed .only hides the file's other tests: ${m[0].trim()}`);
  }
}
const weight = (f) => {
  const i = SLOW_FIRST.findIndex((w) => f.includes(w));
  return i < 0 ? SLOW_FIRST.length : i;
};
files.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));

const lanes = Math.max(1, Math.min(2, availableParallelism()));
const queue = [...files];
const env = {
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  VAULT_TEST_BUILT: '1',
  VAULT_SYNC_BIG: process.env.VAULT_SYNC_BIG ?? (quick ? '0' : '1'),
};
const allowSkip = process.env.VAULT_ALLOW_SKIP === '1';

async function lane() {
  for (let f = queue.shift(); f; f = queue.shift()) {
    const rel = relative(root, f);
    const r = await run(process.execPath, ['--import', 'tsx', f], { env, timeout: FILE_TIMEOUT_MS });
    const text = stripAnsi(r.out);
    const s = parseUvu(text);
    const secs = (r.ms / 1000).toFixed(1);
    if (!s) {
      failed++;
      problems.push(rel);
      console.log(
        `✘ ${rel}: no uvu summary (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}, ${secs} s): the file crashed or a hook threw\n${indent(text)}`,
      );
      continue;
    }
    passed += s.passed;
    failed += s.failed;
    skipped += s.skipped;
    // a clean summary with a non-zero exit: an error after the tests (unhandled rejection, open handle...)
    const crashed = s.failed === 0 && r.code !== 0;
    // a file that ran nothing proves nothing; a skipped test is a test that did not run
    const empty = s.total === 0 && s.skipped === 0;
    const badSkip = s.skipped > 0 && !allowSkip;
    if (crashed || empty || badSkip) failed++;
    if (s.failed || crashed) {
      problems.push(rel);
      const why = crashed ? `, but exit code ${r.code}` : '';
      console.log(`✘ ${rel}: ${s.passed}/${s.total} passed${why} (${secs} s)\n${indent(failures(text))}`);
    } else if (empty || badSkip) {
      problems.push(rel);
      const why = empty ? 'the file ran no test' : `${s.skipped} skipped (VAULT_ALLOW_SKIP=1 accepts that)`;
      console.log(`✘ ${rel}: ${s.passed}/${s.total} passed, ${why} (${secs} s)`);
    } else {
      console.log(`✓ ${rel}: ${s.passed}/${s.total} passed${s.skipped ? `, ${s.skipped} skipped` : ''} (${secs} s)`);
    }
  }
}

/** The FAIL blocks of uvu's output (everything from the first "FAIL" up to the summary), else all of it. */
function failures(text) {
  const i = text.indexOf(' FAIL ');
  const j = text.search(/^\s*Total:/m);
  // uvu drops what a before/after hook throws (its runner returns from `finally`): say so
  if (i < 0)
    return `${text}\n(no failure details: uvu hides errors thrown by before/after hooks; run the file alone with: node --import tsx FILE)`;
  return text.slice(text.lastIndexOf('\n', i) + 1, j > i ? j : undefined).trimEnd();
}

function indent(s) {
  return s
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

await Promise.all(Array.from({ length: lanes }, lane));

const total = ((Date.now() - t0) / 1000).toFixed(1);
if (!files.length) console.log(`no test files matched${filters.length ? ` ${filters.join(' ')}` : ''}`);
console.log(
  `\n${files.length} test files, ${total} s${skipped ? `, ${skipped} skipped` : ''}${problems.length ? `; failing: ${problems.join(', ')}` : ''}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
