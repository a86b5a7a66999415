// Locks as a team uses them from the command line (node bin/vault against the real git server in this
// process): init writes .vaultlockable, clone/pull/restore leave unlocked lockable files read-only, lock and
// unlock flip them, status and commit warn, push refuses and --unlock releases, a broken lock is told.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { BIN, ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { ENV, newRepo, startFixture, stopFixture, type SyncCtx } from './gitServer.js';

const test = suite<SyncCtx>('sync/locksCli', {} as SyncCtx);

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});
test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const HERO = 'Art/hero.psd';
const LEVEL = 'scenes/level.tscn';

/** `vault` as a person: their own author, the server's credentials. */
function as(name: string, dir: string) {
  const env = { ...ENV, VAULT_AUTHOR: `${name} <${name.toLowerCase()}@studio.example>` };
  return (...args: string[]): Promise<CliRun> => runVault(dir, args, env);
}

async function ok(r: Promise<CliRun>): Promise<CliRun> {
  const done = await r;
  assert.is(done.code, 0, `${done.stdout}\n${done.stderr}`);
  return done;
}

async function writable(path: string): Promise<boolean> {
  return ((await stat(path)).mode & 0o222) !== 0;
}

/** Ana makes a game project (init --persona game writes .vaultlockable) and pushes it; Bo clones it. */
async function team(ctx: SyncCtx) {
  const repo = await newRepo(ctx);
  const anaDir = join(ctx.tmp, 'ana');
  await mkdir(join(anaDir, 'Art'), { recursive: true });
  await mkdir(join(anaDir, 'scenes'), { recursive: true });
  await writeFile(join(anaDir, HERO), prngBytes(5, 400_000));
  await writeFile(join(anaDir, LEVEL), '[gd_scene format=3]\n');
  await writeFile(join(anaDir, 'notes.md'), 'castle\n');
  const ana = as('Ana', anaDir);
  const init = await ok(ana('init', '--persona', 'game'));
  assert.match(init.stdout, /^wrote \.vaultlockable: \*\.psd .*\*\.tscn/m);
  await ok(ana('commit', '-m', 'start'));
  await ok(ana('remote', 'add', 'origin', repo.url));
  await ok(ana('push'));
  const cl = await ok(as('Bo', ctx.tmp)('clone', repo.url, 'bo'));
  assert.match(cl.stderr, /note: 2 lockable file\(s\) made read-only/);
  return { repo, anaDir, ana, boDir: join(ctx.tmp, 'bo'), bo: as('Bo', join(ctx.tmp, 'bo')) };
}

test('init --persona adds only the lockable patterns the file lacks, and says so', async (ctx) => {
  const dir = join(ctx.tmp, 'p');
  await mkdir(dir);
  await writeFile(join(dir, '.vaultlockable'), '# ours\n*.psd\nlevels/**/*.bin');
  const r = await ok(as('Ana', dir)('init', '--persona', 'creative'));
  assert.match(r.stdout, /^added to \.vaultlockable: \*\.psb \*\.kra/m);
  assert.not.match(r.stdout, / \*\.psd /);
  const text = await readFile(join(dir, '.vaultlockable'), 'utf8');
  assert.ok(text.startsWith('# ours\n*.psd\nlevels/**/*.bin\n*.psb\n'), text);
  assert.is(text.match(/^\*\.psd$/gm)!.length, 1);
});

test('read-only after clone, writable after lock; push --unlock; pull and restore leave them read-only', async (ctx) => {
  const { anaDir, ana, boDir, bo } = await team(ctx);
  assert.is(await writable(join(boDir, HERO)), false);
  assert.is(await writable(join(boDir, LEVEL)), false);
  assert.is(await writable(join(boDir, 'notes.md')), true, 'not lockable');
  // the read-only bits are known to the stat cache: nothing is read again
  const c0 = JSON.parse((await ok(bo('commit', '-m', 'nothing', '--json'))).stdout);
  assert.is(c0.filesRead, 0, 'a mode change alone does not make commit read a file again');

  const l = await ok(bo('lock', HERO, '-m', 'new armour'));
  assert.match(l.stdout, /^locked Art\/hero\.psd on origin$/m);
  assert.is(await writable(join(boDir, HERO)), true);
  const mine = JSON.parse((await ok(bo('locks', '--mine', '--json'))).stdout);
  assert.equal(
    mine.locks.map((x: { path: string; mine: boolean; message: string }) => [x.path, x.mine, x.message]),
    [[HERO, true, 'new armour']],
  );

  const refused = await ana('lock', HERO);
  assert.is(refused.code, 1);
  assert.match(
    refused.stderr,
    /^vault: cannot lock Art\/hero\.psd: it is locked by Bo <bo@studio\.example> \(on .*ago: "new armour"\)$/m,
  );
  assert.match(refused.stderr, /^hint: /m);
  const refusedJson = await ana('lock', HERO, '--json');
  assert.is(JSON.parse(refusedJson.stdout).error.code, 'ELOCKEDBYOTHER');

  await writeFile(join(boDir, HERO), prngBytes(6, 400_000));
  await ok(bo('commit', '-m', 'armour'));
  const p = await ok(bo('push', '--unlock'));
  assert.match(p.stderr, /^unlocked Art\/hero\.psd$/m);
  assert.is(await writable(join(boDir, HERO)), false, 'unlocked: read-only again');
  assert.equal(JSON.parse((await ok(bo('locks', '--json'))).stdout).locks, []);

  // Ana's pull brings the new version: read-only, like every lockable file she has not locked
  const pl = await ok(ana('pull'));
  assert.match(pl.stderr, /made read-only/);
  assert.equal(await readFile(join(anaDir, HERO)), prngBytes(6, 400_000));
  assert.is(await writable(join(anaDir, HERO)), false);
  assert.is(await writable(join(anaDir, 'notes.md')), true);
  // restore writes temp + rename: a read-only file is replaced, and stays read-only
  await ok(ana('restore', 'HEAD~1', HERO));
  assert.equal(await readFile(join(anaDir, HERO)), prngBytes(5, 400_000));
  assert.is(await writable(join(anaDir, HERO)), false);
  await ok(ana('lock', HERO));
  assert.is(await writable(join(anaDir, HERO)), true);
  await ok(ana('restore', 'HEAD', HERO, '--force'));
  assert.is(await writable(join(anaDir, HERO)), true, 'a file you hold stays writable after restore');
  const again = await ok(ana('lock', HERO));
  assert.match(again.stdout, /already locked by you/);
  await ok(ana('unlock', HERO));
  assert.is(await writable(join(anaDir, HERO)), false);
  assert.match((await ok(ana('unlock', HERO))).stdout, /was not locked/);
});

test('status and commit warn; push refuses a file locked by someone else (exit 1, code, owner, age)', async (ctx) => {
  const { ana, boDir, bo } = await team(ctx);
  await ok(ana('lock', HERO, LEVEL, '-m', 'level pass'));
  await ok(bo('fetch'));
  await writeFile(join(boDir, HERO), 'over it\n');
  await writeFile(join(boDir, 'notes.md'), 'bo\n');
  const st = await ok(bo('status'));
  assert.match(
    st.stderr,
    /^warning: you changed Art\/hero\.psd without locking it: it is locked by Ana <ana@studio\.example> \(on .* ago: "level pass"\); locks as of .* ago$/m,
  );
  assert.not.match(st.stderr, /notes\.md/);
  const stj = JSON.parse((await ok(bo('status', '--json'))).stdout);
  assert.equal(
    stj.locks.map((n: { path: string; lock: { owner: { name: string } } }) => [n.path, n.lock.owner.name]),
    [[HERO, 'Ana']],
  );
  const c = await ok(bo('commit', '-m', 'bo over the hero'));
  assert.match(c.stderr, /you changed Art\/hero\.psd without locking it: it is locked by Ana/);

  const push = await bo('push');
  assert.is(push.code, 1, push.stderr);
  assert.match(push.stderr, /^vault: cannot push changes to Art\/hero\.psd: it is locked by Ana .* ago/m);
  const pj = JSON.parse((await bo('push', '--json')).stdout);
  assert.is(pj.error.code, 'ELOCKEDBYOTHER');
  assert.is(pj.error.data.held[0].owner.name, 'Ana');
  assert.type(pj.error.data.held[0].ageSeconds, 'number');
  const forced = await ok(bo('push', '--ignore-locks'));
  assert.match(forced.stderr, /warning: pushed changes to Art\/hero\.psd, locked by Ana/);
});

test('force unlock is told to the owner on their next fetch; vault locks works offline and says how old', async (ctx) => {
  const { ana, bo } = await team(ctx);
  await ok(ana('lock', HERO));
  const no = await bo('unlock', HERO);
  assert.is(no.code, 1);
  assert.match(no.stderr, /cannot unlock Art\/hero\.psd: it is locked by Ana/);
  const broke = await ok(bo('unlock', '--force', HERO));
  assert.match(broke.stdout, /^broke the lock of Ana .* on Art\/hero\.psd/m);
  const f = await ok(ana('fetch'));
  assert.match(f.stderr, /^note: your lock on Art\/hero\.psd was broken by Bo <bo@studio\.example> .*at \d{4}-/m);
  assert.not.match((await ok(ana('fetch'))).stderr, /broken/, 'told once');

  await ok(bo('lock', LEVEL));
  await ok(ana('locks'));
  await ctx.server.stop();
  const off = await ok(ana('locks'));
  assert.match(off.stderr, /^warning: cannot reach origin .*showing the locks as of \d+ s ago$/m);
  assert.match(off.stdout, /^locks on origin as of \d+ s ago:\n {2}scenes\/level\.tscn {2}Bo </m);
  await ctx.server.restart();
});

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** `vault ARGS` (or, with `sh`, a shell command) as a user for whom a read-only file is read-only: nobody when root. */
function asUser(cwd: string, args: string[], sh = false): Promise<CliRun> {
  // a HOME outside the project, or Node 22+'s compile cache (~/.cache) would land in it
  const home = `${dirname(cwd)}/home-${basename(cwd)}`;
  mkdirSync(home, { recursive: true });
  if (asRoot) assert.is(spawnSync('chown', [`${NOBODY}:${NOBODY}`, home]).status, 0);
  const env = { ...process.env, ...ENV, HOME: home, VAULT_AUTHOR: 'Bo <bo@studio.example>', NO_COLOR: '1' };
  const cmd = sh ? ['sh', '-c', args.join(' ')] : [process.execPath, BIN, ...args];
  const full = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...cmd] : cmd;
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('as a user a read-only file stops: the editor cannot save it, restore and commit still work, lock opens it', async (ctx) => {
  const { boDir } = await team(ctx);
  if (asRoot) {
    assert.is(spawnSync('chmod', ['755', ctx.tmp]).status, 0);
    assert.is(spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, boDir]).status, 0);
  }
  const save = await asUser(boDir, [`printf 'x' >> ${HERO}`], true);
  assert.is.not(save.code, 0, 'writing a lockable file you have not locked fails');
  await ok(asUser(boDir, ['restore', 'HEAD', HERO, '--force']));
  await writeFile(join(boDir, 'notes.md'), 'bo\n');
  await ok(asUser(boDir, ['commit', '-m', 'notes']));
  assert.is(await writable(join(boDir, HERO)), false);
  await ok(asUser(boDir, ['lock', HERO]));
  assert.is((await asUser(boDir, [`printf 'x' >> ${HERO}`], true)).code, 0, 'locked: it saves');
  await ok(asUser(boDir, ['unlock', HERO]));
  assert.is.not((await asUser(boDir, [`printf 'x' >> ${HERO}`], true)).code, 0, 'unlocked: read-only again');
});

test.run();
