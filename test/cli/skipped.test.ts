// `vault commit` and `vault status` on what cannot be backed up, through bin/vault on a real folder:
// unreadable files and folders (chmod 000, run as an unprivileged user: tests run as root here, and root reads
// anything), exit status 3 and the same facts in --json; names quoted in listings; a nested vault named.
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { tempDir } from '../helpers/vault.js';

interface Ctx {
  dir: string;
  remove: () => Promise<void>;
}

const test = suite<Ctx>('cli/skipped', {} as Ctx);
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-skipped-');
  ctx.dir = tmp.path;
  // the HOME asUser gives: outside the project, or Node 22+'s compile cache (~/.cache) would be backed up
  await mkdir(`${tmp.path}/home`);
  ctx.remove = async () => {
    // the unreadable folders must be readable again to be removed (when not root)
    spawnSync('chmod', ['-R', 'u+rwX', tmp.path]);
    await tmp.remove();
  };
});

test.after.each(async (ctx) => {
  await ctx.remove();
});

/**
 * `vault ARGS` as a user for whom chmod 000 means unreadable: `nobody` through setpriv when running as root,
 * else the current user.
 */
function asUser(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  if (!asRoot) return runVault(cwd, args, env);
  const cmd = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, BIN];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], {
      cwd,
      env: {
        ...process.env,
        HOME: `${dirname(cwd)}/home`,
        VAULT_AUTHOR: 'Tess Ter <tess@example.org>',
        NO_COLOR: '1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Give the folder to the user asUser runs as (when root), so that it can write its vault there. */
function handOver(dir: string): void {
  if (!asRoot) return;
  assert.is(spawnSync('chmod', ['755', dir]).status, 0);
  assert.is(spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]).status, 0);
}

test('unreadable file and folders: the rest is backed up, each is named, exit 3, --json says the same', async ({
  dir,
}) => {
  const work = `${dir}/work`;
  await mkdir(`${work}/many`, { recursive: true });
  // 1,000 files: the commit reads through worker threads, so a worker meets the unreadable file too
  for (let i = 0; i < 1000; i++) await writeFile(`${work}/many/f${i}.txt`, `file ${i}\n`);
  await writeFile(`${work}/secret.psd`, prngBytes(1, 200_000)); // the biggest: read first, by a worker
  await writeFile(Buffer.from(`${work}/raw-\xff.bin`, 'latin1'), prngBytes(2, 150_000));
  await mkdir(`${work}/locked`);
  await writeFile(`${work}/locked/inside.txt`, 'hidden\n');
  await mkdir(`${work}/noexec`);
  await writeFile(`${work}/noexec/x.txt`, 'x\n');
  await writeFile(`${work}/a.txt`, 'alpha\n');
  assert.is((await runVault(work, ['init'])).code, 0);
  handOver(dir);
  await chmod(`${work}/secret.psd`, 0o000);
  await chmod(`${work}/locked`, 0o000);
  await chmod(`${work}/noexec`, 0o644); // listable, but its entries cannot be looked at

  const env = { VAULT_THREADS: '2' };
  const c = await asUser(work, ['commit', '-m', 'partial'], env);
  assert.is(c.code, 3, `exit 3: snapshot made, some files unreadable\n${c.stderr}`);
  assert.match(c.stdout, /^snapshot [0-9a-f]{64}$/m);
  for (const p of ['secret.psd', 'locked', 'noexec/x.txt'])
    assert.ok(
      c.stderr.includes(`warning: not backed up: ${p}: unreadable: permission denied`),
      `${p} named:\n${c.stderr}`,
    );
  assert.match(c.stdout, /incomplete snapshot: 3 paths not backed up \(3 unreadable\)/);
  assert.not.match(c.stderr, /^\s+at /m, 'no stack trace');

  const j = await asUser(work, ['commit', '-m', 'again', '--allow-empty', '--json'], env);
  assert.is(j.code, 3, j.stderr);
  const r = JSON.parse(j.stdout) as { id: string; complete: boolean; skipped: { path: string; kind: string }[] };
  assert.ok(r.id);
  assert.is(r.complete, false);
  assert.equal(r.skipped.map((s) => `${s.kind} ${s.path}`).sort(), [
    'unreadable locked',
    'unreadable noexec/x.txt',
    'unreadable secret.psd',
  ]);

  const s = await asUser(work, ['status'], env);
  assert.is(s.code, 3, s.stderr);
  assert.match(s.stdout, /^!  secret\.psd  \(unreadable: permission denied\)$/m);
  assert.match(s.stdout, /^!  locked  \(unreadable: permission denied\)$/m);

  // everything else is in the snapshot, the raw-named file with its exact bytes
  const out = `${dir}/out`;
  const rs = await runVault(work, ['restore', 'HEAD', '--to', out]);
  assert.is(rs.code, 0, rs.stderr);
  const names = (await readdir(out, { encoding: 'buffer' })).map((n) => n.toString('latin1')).sort();
  assert.equal(names, ['a.txt', 'many', 'noexec', 'raw-\xff.bin']);
  assert.is((await readdir(`${out}/many`)).length, 1000);
  assert.equal(await readFile(Buffer.from(`${out}/raw-\xff.bin`, 'latin1')), prngBytes(2, 150_000));
});

test('a name with a newline cannot forge lines in status and ls: it is quoted, as git does', async ({ dir }) => {
  const work = `${dir}/work`;
  await mkdir(work);
  await writeFile(`${work}/evil\nA  fake.txt`, 'x\n');
  await writeFile(Buffer.from(`${work}/\xff.txt`, 'latin1'), 'y\n');
  assert.is((await runVault(work, ['init'])).code, 0);
  const s = await runVault(work, ['status']);
  assert.is(s.code, 0, s.stderr);
  assert.match(s.stdout, /^A {2}"evil\\nA {2}fake\.txt" {2}\(/m);
  assert.match(s.stdout, /^A {2}"\\377\.txt" {2}\(/m);
  assert.not.match(s.stdout, /^A {2}fake\.txt/m, 'no forged line');
  assert.is((await runVault(work, ['commit', '-m', 'm'])).code, 0);
  const ls = await runVault(work, ['ls']);
  assert.equal(
    ls.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/^.*\d {2}/, '')),
    ['"\\377.txt"', '"evil\\nA  fake.txt"'],
  );
});

test('a nested vault is left out with a note naming it; the commit exits 0', async ({ dir }) => {
  const work = `${dir}/work`;
  await mkdir(`${work}/sub/.vault`, { recursive: true });
  await writeFile(`${work}/sub/.vault/HEAD`, 'ref: refs/heads/main\n');
  await writeFile(`${work}/sub/b.txt`, 'b\n');
  assert.is((await runVault(work, ['init'])).code, 0);
  const c = await runVault(work, ['commit', '-m', 'm']);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stderr, /^note: left out sub\/\.vault: another vault's store/m);
});

test.run();
