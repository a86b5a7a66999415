// What the first hour with `vault` trips over (issue 19): numbers that are not numbers, empty messages,
// -q, --json errors, short id prefixes, a missing -C folder, typos, milestone names, and help text.
// Every check runs the real CLI (bin/vault) and asserts exit codes and messages.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runVault, vaultOk, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

interface Ctx {
  dir: string;
  remove: () => Promise<void>;
}

const test = suite<Ctx>('cli/honesty', {} as Ctx);

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  const t = await tempDir('vault-cli-honesty-');
  ctx.dir = t.path;
  ctx.remove = t.remove;
});

test.after.each(async (ctx) => {
  await ctx.remove();
});

/** A usage error: exit 2, one "vault: ..." line (and a hint), nothing on stdout. */
function assertUsage(r: CliRun, what: string, message?: RegExp): void {
  assert.is(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
  assert.is(r.stdout, '', `${what}: nothing on stdout`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^vault: \S/, what);
  for (const l of lines.slice(1)) assert.match(l, /^hint: /, `${what}: only a hint may follow`);
  if (message) assert.match(lines[0]!, message, what);
}

/** The error object of a --json run: on stdout only; stderr stays empty. */
function jsonError(r: CliRun, what: string): { code: string; message: string; hint?: string } {
  assert.is(r.stderr, '', `${what}: with --json nothing goes to stderr`);
  return (JSON.parse(r.stdout) as { error: { code: string; message: string; hint?: string } }).error;
}

/** A project with two snapshots (a.txt changed in the second) and the milestone alpha on the first. */
async function project(dir: string): Promise<{ first: string; second: string }> {
  await writeFile(join(dir, 'a.txt'), 'one\n');
  await vaultOk(dir, ['init']);
  await vaultOk(dir, ['commit', '-m', 'first']);
  await writeFile(join(dir, 'a.txt'), 'two\n');
  await vaultOk(dir, ['commit', '-m', 'second']);
  const [first, second] = JSON.parse((await vaultOk(dir, ['rev-parse', 'HEAD~1', 'HEAD', '--json'])).stdout);
  return { first, second };
}

test('a numeric option that is not a number of its kind: EUSAGE, exit 2, before anything runs', async ({ dir }) => {
  // an empty folder: a check made after opening the vault would say ENOTVAULT (exit 1) instead
  // (every numeric option of every command is checked in-process by test/cli/options.test.ts)
  const cases: string[][] = [
    ['log', '-n', 'abc'],
    ['log', '-n', '0'],
    ['log', '-n', '-3'],
    ['log', '-n', '2x'],
    ['log', '-n', '1.5'],
    ['commit', '-m', 'x', '--lock-wait', 'soon'],
    ['feedback', 'add', '--build', '1', '--tester', 't', '--rating', '6', 'text'],
  ];
  for (const args of cases) assertUsage(await runVault(dir, args), args.join(' '), /takes (a|an) /);
  for (const args of [cases[3]!, cases[6]!]) {
    const j = await runVault(dir, [...args, '--json']);
    assert.is(j.code, 2, `${args.join(' ')} --json`);
    assert.is(jsonError(j, `${args.join(' ')} --json`).code, 'EUSAGE');
  }
  // and the message names the option and the value
  assert.match(
    (await runVault(dir, ['log', '-n', '2x'])).stderr,
    "-n/--max takes a whole number of 1 or more, got '2x'",
  );
});

test('log -n with good numbers shows exactly that many; a repeated option counts its last value', async ({ dir }) => {
  await project(dir);
  assert.is((await vaultOk(dir, ['log', '-n', '1'])).stdout.trim().split('\n').length, 1);
  assert.is((await vaultOk(dir, ['log', '-n', '5'])).stdout.trim().split('\n').length, 2);
  assert.is((await vaultOk(dir, ['log', '-n', '5', '-n', '1'])).stdout.trim().split('\n').length, 1);
  assertUsage(await runVault(dir, ['log', '-n', '1.5']), 'log -n 1.5 on a vault with snapshots');
});

test('empty messages are refused unless --allow-empty-message; nothing is recorded', async ({ dir }) => {
  await project(dir);
  await writeFile(join(dir, 'b.txt'), 'new\n');
  for (const m of ['', '   '])
    assertUsage(await runVault(dir, ['commit', '-m', m]), `commit -m '${m}'`, /message is empty/);
  assert.is((await vaultOk(dir, ['log'])).stdout.trim().split('\n').length, 2, 'no snapshot was made');
  const ok = await vaultOk(dir, ['commit', '-m', '', '--allow-empty-message', '--json']);
  assert.ok(JSON.parse(ok.stdout).id);
  assert.is((await vaultOk(dir, ['log'])).stdout.trim().split('\n').length, 3);

  // feedback add with no text (the game persona)
  await writeFile(join(dir, 'vault-game.yaml'), 'bundles: {}\n');
  await vaultOk(dir, ['persona', 'game']);
  await vaultOk(dir, ['commit', '-m', 'game']);
  await vaultOk(dir, ['build', 'record', '--version', '1.0', '--platform', 'pc']);
  const noText = await runVault(dir, ['feedback', 'add', '--build', '1.0', '--tester', 'ana', '--rating', '3']);
  assertUsage(noText, 'feedback add without text', /needs the feedback TEXT/);
  assert.match(noText.stderr, /--allow-empty-message/);
  assert.equal(JSON.parse((await vaultOk(dir, ['feedback', 'list', '--json'])).stdout), []);
  await vaultOk(dir, [
    'feedback',
    'add',
    '--build',
    '1.0',
    '--tester',
    'ana',
    '--rating',
    '3',
    '--allow-empty-message',
  ]);
  assert.is(JSON.parse((await vaultOk(dir, ['feedback', 'list', '--json'])).stdout).length, 1);
});

test('-q: commit, restore, tag, milestone, gc print nothing on success; data commands still print', async ({ dir }) => {
  await project(dir);
  await writeFile(join(dir, 'a.txt'), 'three\n');
  const c = await vaultOk(dir, ['commit', '-q', '-m', 'third']);
  assert.is(c.stdout, '', 'commit -q');
  assert.is(c.stderr, '');
  assert.is((await vaultOk(dir, ['log'])).stdout.trim().split('\n').length, 3, 'the snapshot was made');
  const r = await vaultOk(dir, ['restore', 'HEAD~2', 'a.txt', '--force', '--quiet']);
  assert.is(r.stdout, '', 'restore --quiet');
  assert.is(await readFile(join(dir, 'a.txt'), 'utf8'), 'one\n', 'and it restored');
  for (const args of [
    ['tag', 'v1', '-q'],
    ['milestone', 'create', 'beta', '-q'],
    ['gc', '-q'],
    ['verify', '-q'],
    ['commit', '-q', '-m', 'again'],
  ])
    assert.is((await vaultOk(dir, args)).stdout, '', args.join(' '));
  // without -q the same commands say what they did
  assert.match((await vaultOk(dir, ['tag', 'v2'])).stdout, /tagged/);
  // data is what was asked for: -q does not hide it
  assert.is((await vaultOk(dir, ['log', '-q'])).stdout.trim().split('\n').length, 4);
  await writeFile(join(dir, 'a.txt'), 'four\n');
  assert.match((await vaultOk(dir, ['status', '-q'])).stdout, /M {2}a\.txt/);
});

test('--json: an error is one JSON object on stdout, and stderr stays empty', async ({ dir }) => {
  await project(dir);
  for (const args of [['show', 'nope'], ['log', '-n', 'x'], ['restore', 'HEAD~9'], ['frobnicate']]) {
    const r = await runVault(dir, [...args, '--json']);
    assert.ok(r.code === 1 || r.code === 2, args.join(' '));
    const e = jsonError(r, args.join(' '));
    assert.ok(e.code && e.message, args.join(' '));
  }
  // without --json: human text on stderr, nothing on stdout
  const h = await runVault(dir, ['show', 'nope']);
  assert.is(h.stdout, '');
  assert.match(h.stderr, /^vault: unknown snapshot 'nope'/);
});

test("show 89: a prefix needs 4+ hex digits; -C to a missing folder: 'no such folder'", async ({ dir }) => {
  await project(dir);
  const short = await runVault(dir, ['show', '89']);
  assert.is(short.code, 1);
  assert.match(short.stderr, /prefix needs 4\+ hex digits/);
  assert.is(jsonError(await runVault(dir, ['show', '89', '--json']), 'show 89').code, 'EUNKNOWNREV');
  const missing = await runVault(dir, ['-C', join(dir, 'nonexist'), 'status']);
  assertUsage(missing, '-C nonexist', /no such folder/);
  assertUsage(await runVault(dir, ['-C', join(dir, 'a.txt'), 'log']), '-C a file', /not a folder/);
  // a folder that exists but holds no vault is still "not a vault"
  await mkdir(join(dir, 'elsewhere'));
  const notVault = await runVault(join(dir, 'elsewhere'), ['-C', '/', 'status']);
  assert.is(notVault.code, 1);
  assert.match(notVault.stderr, /not a vault/);
});

test('typos get "did you mean": commands, actions, snapshot, milestone and tag names', async ({ dir }) => {
  await project(dir);
  await vaultOk(dir, ['milestone', 'create', 'jolt-alpha', 'HEAD~1']);
  await vaultOk(dir, ['tag', 'sent-to-client']);
  const cases: [string[], RegExp][] = [
    [['comit', '-m', 'x'], /did you mean 'commit'\?/],
    [['milestone', 'creat', 'x'], /did you mean 'create'\?/],
    [['show', 'jolt-alpah'], /did you mean 'jolt-alpha'\?/],
    [['log', 'sent-to-clent'], /did you mean 'sent-to-client'\?/],
    [['restore', 'HAED', '--to', join(dir, 'out')], /did you mean 'HEAD'\?/],
    [['milestone', 'delete', 'jolt-alhpa', '--force'], /did you mean 'jolt-alpha'\?/],
    [['rev-parse', 'refs/milestones/jolt-alph'], /did you mean 'refs\/milestones\/jolt-alpha'\?/],
  ];
  for (const [args, hint] of cases) {
    const r = await runVault(dir, args);
    assert.ok(r.code === 1 || r.code === 2, `${args.join(' ')}: exit ${r.code}`);
    assert.match(r.stderr, hint, args.join(' '));
  }
  // nothing close: no suggestion, the usual hint
  const far = await runVault(dir, ['show', 'zzzzzzzz-nothing']);
  assert.not.match(far.stderr, /did you mean/);
  assert.match(far.stderr, /hint: run 'vault log'/);
  // milestone create with no name: the hint shows how
  const noName = await runVault(dir, ['milestone', 'create']);
  assertUsage(noName, 'milestone create', /needs a NAME/);
  assert.match(noName.stderr, /hint: e\.g\. vault milestone create/);
  // a group with no action names its actions
  assertUsage(await runVault(dir, ['build']), 'build', /record, list, show/);
});

test('a milestone name means the snapshot it marks: rev-parse, log, restore, diff, show; --no-peel gives the annotation', async ({
  dir,
}) => {
  const { first } = await project(dir);
  const m = JSON.parse((await vaultOk(dir, ['milestone', 'create', 'alpha', 'HEAD~1', '--json'])).stdout);
  assert.is(m.snapshot, first);
  assert.is.not(m.annotation, first);
  assert.is((await vaultOk(dir, ['rev-parse', 'alpha'])).stdout.trim(), first);
  assert.is((await vaultOk(dir, ['rev-parse', 'refs/milestones/alpha'])).stdout.trim(), first);
  assert.is((await vaultOk(dir, ['rev-parse', '--no-peel', 'alpha'])).stdout.trim(), m.annotation);
  // the annotation stays readable through plumbing
  const ann = JSON.parse((await vaultOk(dir, ['cat-object', '-p', m.annotation])).stdout);
  assert.is(ann.meta['vault.annotation'], 'milestone');
  assert.equal(ann.parents, [first]);
  // log from the milestone starts at the marked snapshot: the annotation never shows
  const log = JSON.parse((await vaultOk(dir, ['log', 'alpha', '--json'])).stdout);
  assert.equal(
    log.map((e: { id: string }) => e.id),
    [first],
  );
  assert.ok(log[0].refs.includes('milestones/alpha'));
  assert.is(JSON.parse((await vaultOk(dir, ['show', 'alpha', '--json'])).stdout).id, first);
  // restore says where from, with the marked id
  const out = join(dir, 'out');
  const r = JSON.parse((await vaultOk(dir, ['restore', 'alpha', '--to', out, '--json'])).stdout);
  assert.is(r.snapshot, first);
  assert.is(await readFile(join(out, 'a.txt'), 'utf8'), 'one\n');
  // diff from the milestone to HEAD is the change of the second snapshot
  const d = JSON.parse((await vaultOk(dir, ['diff', 'alpha', 'HEAD', '--stat', '--json'])).stdout);
  assert.equal(
    d.modified.map((c: { path: string }) => c.path),
    ['a.txt'],
  );
  // alpha~1 is the parent of the marked snapshot (there is none here), not the marked snapshot itself
  assert.match((await runVault(dir, ['rev-parse', 'alpha~1'])).stderr, /has no parent/);
});

test('help: an action shows its own options; examples are whole lines; build scopes --version', async ({ dir }) => {
  const report = await vaultOk(dir, ['feedback', 'report', '--help']);
  assert.match(report.stdout, /^vault feedback report/);
  assert.match(report.stdout, /--since/);
  assert.not.match(report.stdout, /--rating|--tester|--format/, 'not the options of add or import');
  const record = await vaultOk(dir, ['build', 'record', '--help']);
  assert.match(record.stdout, /^vault build record/);
  assert.match(record.stdout, /--version\s+the build version/);
  assert.match(record.stdout, /--artifact/);
  assert.not.match(record.stdout, /Show version number|show Vault's version/);
  const group = await vaultOk(dir, ['build', '--help']);
  assert.match(group.stdout, /vault build record/);
  assert.not.match(group.stdout, /the build version/, "the group's help does not take --version for a build's");
  assert.match(group.stdout, /Examples:/);
  // an option of another action is refused
  assertUsage(await runVault(dir, ['feedback', 'report', '--rating', '3']), 'report --rating', /Unknown argument/);
  // every example line of every command's help is a command that starts with vault (or continues one)
  for (const args of [
    ['feedback', 'add', '--help'],
    ['diff', '--help'],
    ['workspace', '--help'],
    ['forget', '--help'],
  ]) {
    const text = (await vaultOk(dir, args)).stdout;
    const ex = text.slice(text.indexOf('Examples:'));
    const lines = ex.split('\n').slice(1).filter(Boolean);
    let continued = false;
    for (const l of lines) {
      if (!continued && !l.startsWith('  # ')) assert.match(l, /^ {2}vault /, `${args.join(' ')}: ${l}`);
      continued = l.endsWith(' \\');
    }
  }
  // vault --help: grouped, porcelain before plumbing, loads fine without a vault
  const top = await vaultOk(dir, ['--help']);
  assert.ok(top.stdout.indexOf('vault commit') < top.stdout.indexOf('vault hash-object'));
  assert.match(top.stdout, /Plumbing \(for scripts\):/);
  assert.equal((await vaultOk(dir, ['help'])).stdout, top.stdout);
  assert.match((await vaultOk(dir, ['help', 'log'])).stdout, /^vault log/);
  assert.match((await vaultOk(dir, ['build', '--version'])).stdout, /^\d+\.\d+\.\d+/);
});

test('wording: one file is "1 file", not "1 files"', async ({ dir }) => {
  await writeFile(join(dir, 'only.txt'), 'x\n');
  await vaultOk(dir, ['init']);
  const c = await vaultOk(dir, ['commit', '-m', 'one file']);
  assert.match(c.stdout, /\b1 file, .* scanned; 1 file read/);
  assert.not.match(c.stdout, /\b1 files\b/);
  const v = await vaultOk(dir, ['verify']);
  assert.match(v.stdout, /checked 1 snapshot, 1 tree, 1 file entry, /);
  const r = await vaultOk(dir, ['restore', 'HEAD', '--to', join(dir, 'copy')]);
  assert.match(r.stdout, /restored 1 file from /);
});

test.run();
