// The `vault` command as a user runs it: `node bin/vault ...` in a temp folder (bin/vault loads dist/,
// which test/run.mjs builds first with `npm run build`; run alone, this file builds it in its before hook).
import { spawnSync } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listTree } from '../helpers/tree.js';
import { nodeFs, tempDir } from '../helpers/vault.js';
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { must } from '../helpers/must.js';

interface Ctx {
  dir: string;
  remove: () => Promise<void>;
}

const test = suite<Ctx>('cli/vault', {} as Ctx);

type Run = CliRun;

function vault(cwd: string, ...args: string[]): Promise<Run> {
  return runVault(cwd, args);
}

/** A user-facing error: non-zero exit, a one-line "vault: ..." message (plus an optional hint), no stack. */
function assertUserError(r: Run, exit = 1): void {
  assert.is(r.code, exit, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(must(lines[0]), /^vault: \S/);
  for (const l of lines.slice(1)) assert.match(l, /^hint: /, 'only a hint may follow the message');
  assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
  assert.not.match(r.stderr, /internal error/);
}

function jsonError(r: Run): string {
  const parsed = JSON.parse(r.stdout) as { error?: { code?: string } };
  return String(parsed.error?.code);
}

// uvu hides what a `before` hook throws: a failed build is kept here and thrown by every test
let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-cli-');
  ctx.dir = tmp.path;
  ctx.remove = tmp.remove;
});

test.after.each(async (ctx) => {
  await ctx.remove();
});

test('--help and --version exit 0', async ({ dir }) => {
  const h = await vault(dir, '--help');
  assert.is(h.code, 0);
  for (const c of ['init', 'commit', 'status', 'log', 'diff', 'restore'])
    assert.match(h.stdout, new RegExp(`vault ${c}`));
  const v = await vault(dir, '--version');
  assert.is(v.code, 0);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.is(v.stdout.trim(), pkg.version);
});

test('init, commit -m, status, diff, log --json, restore --to: a whole session', async ({ dir }) => {
  const work = join(dir, 'project');
  await mkdir(join(work, 'Art'), { recursive: true });
  await writeFile(join(work, 'notes.txt'), 'line one\n');
  await writeFile(join(work, 'Art', 'hero.bin'), Buffer.from([0, 1, 2, 3, 255]));

  const init = await vault(work, 'init');
  assert.is(init.code, 0, init.stderr);
  assert.match(init.stdout, `Initialized empty vault in ${join(work, '.vault')}`);

  const c1 = await vault(work, 'commit', '-m', 'first');
  assert.is(c1.code, 0, c1.stderr);
  const id1 = /^snapshot ([0-9a-f]{64})$/m.exec(c1.stdout)?.[1];
  assert.ok(id1, c1.stdout);

  const clean = await vault(work, 'status');
  assert.is(clean.code, 0);
  assert.match(clean.stdout, 'nothing to commit, working folder clean');

  await writeFile(join(work, 'notes.txt'), 'line one\nline two\n');
  await writeFile(join(work, 'new.txt'), 'new\n');
  const st = await vault(work, 'status');
  assert.is(st.code, 0);
  assert.match(st.stdout, /^M  notes\.txt/m);
  assert.match(st.stdout, /^A  new\.txt/m);
  const stj = JSON.parse((await vault(work, 'status', '--json')).stdout) as {
    modified: { path: string }[];
    added: { path: string }[];
    clean: boolean;
  };
  assert.equal(
    [stj.modified.map((c) => c.path), stj.added.map((c) => c.path), stj.clean],
    [['notes.txt'], ['new.txt'], false],
  );

  const d = await vault(work, 'diff');
  assert.is(d.code, 0);
  assert.match(d.stdout, /^modified +notes\.txt/m);
  assert.match(d.stdout, /^\+line two$/m);

  const c2 = await vault(work, 'commit', '-m', 'second');
  assert.is(c2.code, 0, c2.stderr);
  const id2 = /^snapshot ([0-9a-f]{64})$/m.exec(c2.stdout)?.[1];
  const again = await vault(work, 'commit', '-m', 'nothing');
  assert.is(again.code, 0);
  assert.match(again.stdout, 'nothing to commit');

  const log = await vault(work, 'log', '--json');
  assert.is(log.code, 0, log.stderr);
  const entries = JSON.parse(log.stdout) as {
    id: string;
    message: string;
    parents: string[];
    refs: string[];
    author: string;
  }[];
  assert.equal(
    entries.map((e) => [e.id, e.message, e.parents]),
    [
      [id2, 'second', [id1]],
      [id1, 'first', []],
    ],
  );
  assert.equal(must(entries[0]).refs, ['main']);
  assert.is(must(entries[0]).author, 'Tess Ter <tess@example.org>');

  const dd = await vault(work, 'diff', 'HEAD~1', 'HEAD', '--stat');
  assert.match(dd.stdout, /^added +new\.txt/m);

  // restore the first snapshot elsewhere: exactly the files as they were then
  const out = join(dir, 'out');
  const rs = await vault(work, 'restore', id1!.slice(0, 8), '--to', '../out');
  assert.is(rs.code, 0, rs.stderr);
  assert.equal(
    (await listTree(nodeFs, out)).map((l) => l.replace(/^(\w+) +(\S+).*$/, '$1 $2')),
    ['dir Art', 'file Art/hero.bin', 'file notes.txt'],
  );
  assert.is(await readFile(join(out, 'notes.txt'), 'utf8'), 'line one\n');
  assert.ok((await readFile(join(out, 'Art', 'hero.bin'))).equals(Buffer.from([0, 1, 2, 3, 255])));
});

test('restore in place over an uncommitted change: EDIRTY, the file is kept; --force overwrites', async ({ dir }) => {
  await writeFile(join(dir, 'a.txt'), 'committed\n');
  assert.is((await vault(dir, 'init')).code, 0);
  assert.is((await vault(dir, 'commit', '-m', 'a')).code, 0);
  await writeFile(join(dir, 'a.txt'), 'unsaved\n');
  const r = await vault(dir, 'restore', 'HEAD');
  assertUserError(r);
  assert.is(await readFile(join(dir, 'a.txt'), 'utf8'), 'unsaved\n');
  assert.is(jsonError(await vault(dir, 'restore', 'HEAD', '--json')), 'EDIRTY');
  const f = await vault(dir, 'restore', 'HEAD', '--force');
  assert.is(f.code, 0, f.stderr);
  assert.is(await readFile(join(dir, 'a.txt'), 'utf8'), 'committed\n');
});

test('outside a vault: exit 1, one "vault: ..." line on stderr, no stack; --json prints {"error":{"code":"ENOTVAULT"}}', async ({
  dir,
}) => {
  for (const args of [['status'], ['log'], ['commit', '-m', 'x'], ['restore', 'HEAD', '--to', 'x'], ['diff']]) {
    const r = await vault(dir, ...args);
    assertUserError(r);
    assert.match(r.stderr, /^vault: not a vault/);
    assert.is(r.stdout, '');
    const j = await vault(dir, ...args, '--json');
    assert.is(j.code, 1);
    assert.is(jsonError(j), 'ENOTVAULT', args.join(' '));
  }
});

test('unknown snapshot: exit 1 with EUNKNOWNREV', async ({ dir }) => {
  await writeFile(join(dir, 'a.txt'), 'a');
  await vault(dir, 'init');
  await vault(dir, 'commit', '-m', 'a');
  for (const args of [
    ['log', 'nosuch'],
    ['restore', 'nosuch', '--to', 'out'],
    ['diff', 'HEAD~5'],
    ['show', 'deadbeef'],
  ]) {
    const r = await vault(dir, ...args);
    assertUserError(r);
    assert.is(jsonError(await vault(dir, ...args, '--json')), 'EUNKNOWNREV', args.join(' '));
  }
});

test('init twice: EALREADYVAULT; usage errors exit 2 with EUSAGE', async ({ dir }) => {
  assert.is((await vault(dir, 'init')).code, 0);
  const again = await vault(dir, 'init');
  assertUserError(again);
  assert.is(jsonError(await vault(dir, 'init', '--json')), 'EALREADYVAULT');
  for (const args of [['commit'], ['frobnicate'], ['status', '--no-such-option'], []]) {
    const r = await vault(dir, ...args);
    assertUserError(r, 2);
    assert.is(jsonError(await vault(dir, ...args, '--json')), 'EUSAGE', args.join(' '));
  }
});

test.run();
