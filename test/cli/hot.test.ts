// The one-command bundles (src/cli/hot/, built by scripts/bundle.mjs, picked by bin/vault when the command
// word comes first): the list in bin/vault matches the entries, each bundle holds only its own build's files
// (a class of one build is not `instanceof` the other's), and a command gives the same output, errors and exit
// codes through its own bundle as through main.js (`vault --json status` takes main.js: the word is not first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('cli/hot');
const BUNDLE = join(ROOT, 'dist', 'bundle');
const HOT = readdirSync(join(ROOT, 'src', 'cli', 'hot')).map((f) => basename(f, '.ts'));

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

test('bin/vault routes exactly the commands of src/cli/hot/, and each has its bundle', () => {
  if (buildError) throw buildError;
  const m = /const HOT = \[([^\]]*)\]/.exec(readFileSync(BIN, 'utf8'));
  assert.ok(m, 'bin/vault declares its HOT list');
  const listed = [...m[1]!.matchAll(/'([a-z-]+)'/g)].map((x) => x[1]);
  assert.equal([...listed].sort(), [...HOT].sort());
  for (const name of HOT) assert.ok(existsSync(join(BUNDLE, `hot-${name}.js`)), `hot-${name}.js is built`);
});

/**
 * The bundle files `hot-NAME.js` reaches, with their code and the bundle files they import: through static
 * imports only (what loads as the command starts), or through import() too.
 */
function reached(name: string, dynamic: boolean): { file: string; code: string; imports: string[] }[] {
  const pattern = dynamic ? /(?:from|import)\s*\(?\s*"(\.\/[^"]+)"/g : /(?:from|import)\s*"(\.\/[^"]+)"/g;
  const out: { file: string; code: string; imports: string[] }[] = [];
  const seen = new Set<string>();
  const todo = [`hot-${name}.js`];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(BUNDLE, file), 'utf8');
    const imports = [...code.matchAll(pattern)].map((m) => m[1]!.slice(2));
    out.push({ file, code, imports });
    todo.push(...imports);
  }
  return out;
}

test("a hot bundle imports only its own build's files (statically and through import())", () => {
  if (buildError) throw buildError;
  for (const name of HOT) {
    const files = reached(name, true);
    for (const { file, imports } of files)
      for (const target of imports)
        assert.ok(target.startsWith(`hot-${name}.`), `${file} imports ${target}, not of the ${name} build`);
    assert.ok(files.length > 1, `hot-${name}.js imports its chunks (${files.length} files)`);
  }
});

test('what a hot bundle loads as it starts imports node:fs only as CommonJS (builtinFs), never as an ES module', () => {
  if (buildError) throw buildError;
  // an ES import of node:fs reads every export, and its ReadStream getter loads the fs streams and fs/promises;
  // static imports only (`import("./x")` loads later, when asked)
  for (const name of HOT) {
    const files = reached(name, false);
    for (const { file, code } of files)
      assert.not.match(code, /from\s*"(node:)?fs"/, `${file} (loaded at start) imports node:fs as an ES module`);
    assert.ok(files.length > 1, `hot-${name}.js and its static chunks (${files.length} files)`);
  }
});

/** The outputs that must not depend on the entry (stdout, stderr, exit code). */
function same(a: CliRun, b: CliRun, what: string): void {
  assert.is(a.code, b.code, `${what}: exit code\n${a.stderr}\n${b.stderr}`);
  assert.is(a.stdout, b.stdout, `${what}: stdout`);
  assert.is(a.stderr, b.stderr, `${what}: stderr`);
}

test('status and commit: the same through their bundle as through main.js', async () => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-hot-');
  try {
    const dir = tmp.path;
    // outside a vault: a VaultError raised deep in the command, reported as one (exit 1, no stack)
    for (const args of [['status'], ['commit', '-m', 'x']]) {
      const [hot, main] = [await runVault(dir, args), await runVault(dir, ['-q', ...args])];
      assert.is(hot.code, 1, hot.stderr);
      assert.match(hot.stderr, /^vault: /);
      assert.not.match(hot.stderr, /internal error/);
      assert.is(hot.stderr, main.stderr);
    }
    assert.is((await runVault(dir, ['init'])).code, 0);
    await mkdir(join(dir, 'art'));
    await writeFile(join(dir, 'art', 'hero.psd'), 'layers');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    same(await runVault(dir, ['status', '--json']), await runVault(dir, ['--json', 'status']), 'status --json');
    same(await runVault(dir, ['status']), await runVault(dir, ['-C', dir, 'status']), 'status');
    // usage errors: fastArgs and yargs paths both
    same(await runVault(dir, ['commit']), await runVault(dir, ['-C', dir, 'commit']), 'commit without -m');
    same(await runVault(dir, ['commit', '--bogus']), await runVault(dir, ['-C', dir, 'commit', '--bogus']), '--bogus');
    same(await runVault(dir, ['commit', '--help']), await runVault(dir, ['-C', dir, 'commit', '--help']), '--help');
    const first = await runVault(dir, ['commit', '-m', 'first']);
    assert.is(first.code, 0, first.stderr);
    assert.match(first.stdout, /^snapshot [0-9a-f]{64}\n {2}2 files/);
    same(
      await runVault(dir, ['commit', '-m', 'again']),
      await runVault(dir, ['-C', dir, 'commit', '-m', 'again']),
      'unchanged',
    );
    same(await runVault(dir, ['status']), await runVault(dir, ['-C', dir, 'status']), 'clean status');
  } finally {
    await tmp.remove();
  }
});

test.run();
