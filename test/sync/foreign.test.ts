// commits Vault did not make (a web-UI edit, a plain `git commit`, a whole git repository) come in as snapshots.
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { verify } from '../../src/porcelain/verify.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch, pull } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { readRef } from '../../src/refs/refs.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { runVault } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, PASSWORD, USER, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/foreign', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Web Editor',
  GIT_AUTHOR_EMAIL: 'web@example.org',
  GIT_COMMITTER_NAME: 'Git Host',
  GIT_COMMITTER_EMAIL: 'noreply@example.org',
  GIT_AUTHOR_DATE: '1700000100 +0200',
  GIT_COMMITTER_DATE: '1700000200 +0200',
};
const git = async (dir: string, ...args: string[]) =>
  (await run('git', ['-C', dir, ...args], { encoding: 'utf8', env: GIT_ENV, maxBuffer: 64 << 20 })).stdout;
const authUrl = (ctx: SyncCtx, dir: string) =>
  ctx.server.url(dir.split('/').pop()!, { user: USER, password: PASSWORD });
const fsck = (dir: string) => git(dir, 'fsck', '--full', '--strict');
const openAt = (dir: string) =>
  openVault({ fs: nodeFs, cwd: dir, codec: new InlineCodec(), clock: fakeClock(1_800_000_000_000), author: 'B <b@x>' });

test('a plain git commit pushed to a vault branch comes in on pull and clone; work on top pushes', async (ctx) => {
  const big = prngBytes(7, 3_000_000);
  const tv = await diskVault(ctx.tmp, { 'notes.md': 'one\n', Art: { 'hero.psd': big }, 'tool.sh': 'x\n' });
  const { vault } = tv;
  const base = (await commit({ vault, message: 'base' })).id!;
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });

  // someone fixes a typo with git (as a web UI would): a commit on main with .vault/ carried along
  const plain = `${ctx.tmp}/plain`;
  await run('git', ['clone', '-q', authUrl(ctx, repo.dir), plain]);
  await writeFile(`${plain}/notes.md`, 'one, fixed\n');
  await mkdir(`${plain}/Docs`);
  await writeFile(`${plain}/Docs/new.txt`, 'added in git\n');
  await git(plain, 'add', '-A');
  await git(plain, 'commit', '-q', '-m', 'Fix typo in notes');
  await git(plain, 'push', '-q', 'origin', 'main');
  const webCommit = (await git(plain, 'rev-parse', 'HEAD')).trim();

  const pl = await pull({ vault, env: ENV });
  assert.is(pl.outcome, 'fast-forward');
  assert.equal(pl.skipped, []);
  assert.is(await readFile(`${tv.dir}/notes.md`, 'utf8'), 'one, fixed\n');
  assert.is(await readFile(`${tv.dir}/Docs/new.txt`, 'utf8'), 'added in git\n');
  assert.ok((await readFile(`${tv.dir}/Art/hero.psd`)).equals(big), 'the large file is whole, not its manifest');
  const edited = await log({ vault });
  const web = must(edited[0], 'the web edit');
  const parent = must(edited[1], 'its parent');
  assert.is(web.message, 'Fix typo in notes\n');
  assert.is(web.author, 'Web Editor <web@example.org>');
  assert.is(web.time, 1_700_000_100_000);
  assert.is(web.meta['git.commit'], webCommit);
  assert.equal(web.parents, [base]);
  assert.is(parent.id, base);

  // a fresh clone has the edit too, as the same snapshot
  const dest = `${ctx.tmp}/copy`;
  const c = await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() });
  assert.is(c.head, web.id);
  assert.equal(c.skipped, []);
  assert.is(await readFile(`${dest}/notes.md`, 'utf8'), 'one, fixed\n');
  assert.ok((await readFile(`${dest}/Art/hero.psd`)).equals(big));
  const v2 = await openAt(dest);
  assert.equal((await verify({ vault: v2, readData: true })).problems, []);
  await v2.close();

  // the vault commits on top and pushes: a fast-forward of the git commit, and git likes it
  await writeFile(`${tv.dir}/notes.md`, 'two\n');
  const mine = (await commit({ vault, message: 'on top of the web edit' })).id!;
  const p = await push({ vault, env: ENV });
  assert.equal(p.rejected, []);
  await fsck(repo.dir);
  assert.is((await git(repo.dir, 'rev-parse', 'main^')).trim(), webCommit);
  await git(plain, 'pull', '-q', '--ff-only');
  assert.is(await readFile(`${plain}/notes.md`, 'utf8'), 'two\n');

  // the clone pulls it (one new snapshot, nothing re-imported differently)
  const v3 = await openAt(dest);
  const pl3 = await pull({ vault: v3, env: ENV });
  assert.is(pl3.to, mine);
  assert.is(pl3.imported, 1);
  await v3.close();
  await vault.close();
});

test('a large-file manifest edited with git: the branch is not imported, the error names the file', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n', 'level.bin': prngBytes(9, 2_500_000) });
  const { vault } = tv;
  const base = (await commit({ vault, message: 'base' })).id!;
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
  const plain = `${ctx.tmp}/plain`;
  await run('git', ['clone', '-q', authUrl(ctx, repo.dir), plain]);
  const manifest = await readFile(`${plain}/level.bin`, 'utf8');
  await writeFile(`${plain}/level.bin`, manifest.replace(/^size \d+$/m, 'size 12'));
  await git(plain, 'commit', '-q', '-am', 'oops');
  await git(plain, 'push', '-q', 'origin', 'main');

  const f = await fetch({ vault, env: ENV });
  assert.equal(
    f.skipped.map((s) => s.ref),
    ['refs/heads/main'],
  );
  assert.match(must(f.skipped[0], 'a skipped ref').reason, /'level\.bin'/);
  assert.is(await readRef(vault.refs, 'refs/heads/main'), base);
  // the command line says so and exits 1
  const r = await runVault(tv.dir, ['fetch'], ENV);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /level\.bin/);
  await fsck(repo.dir);
  await vault.close();
});

test('clone of an ordinary git repository imports its history; LFS pointers stay pointers', async (ctx) => {
  const repo = await newRepo(ctx);
  const src = `${ctx.tmp}/src`;
  await run('git', ['init', '-q', '-b', 'main', src]);
  await writeFile(`${src}/README.md`, '# Game\n');
  await git(src, 'add', '-A');
  await git(src, 'commit', '-q', '-m', 'first');
  await mkdir(`${src}/src/engine`, { recursive: true });
  await writeFile(`${src}/src/engine/main.c`, 'int main(void) { return 0; }\n');
  await writeFile(`${src}/build.sh`, '#!/bin/sh\nmake\n');
  await chmod(`${src}/build.sh`, 0o755);
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 123456\n`;
  await writeFile(`${src}/hero.psd`, pointer);
  await git(src, 'add', '-A');
  await git(src, 'commit', '-q', '-m', 'engine, build script, art');
  await writeFile(`${src}/README.md`, '# Game\n\nNow with an engine.\n');
  await git(src, 'commit', '-q', '-am', 'readme');
  await git(src, 'tag', '-a', 'v1', '-m', 'version 1');
  await git(src, 'push', '-q', authUrl(ctx, repo.dir), 'main', 'v1');
  const tip = (await git(src, 'rev-parse', 'HEAD')).trim();

  const dest = `${ctx.tmp}/game`;
  const r = await runVault(ctx.tmp, ['clone', repo.url, dest], ENV);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 snapshot\(s\)/);
  assert.match(r.stderr, /1 Git LFS pointer/);
  assert.is(await readFile(`${dest}/src/engine/main.c`, 'utf8'), 'int main(void) { return 0; }\n');
  assert.is(await readFile(`${dest}/hero.psd`, 'utf8'), pointer);
  assert.ok(((await stat(`${dest}/build.sh`)).mode & 0o111) !== 0, 'build.sh stays executable');
  const v = await openAt(dest);
  const entries = await log({ vault: v });
  assert.equal(
    entries.map((e) => e.message),
    ['readme\n', 'engine, build script, art\n', 'first\n'],
  );
  const newest = must(entries[0], 'the newest snapshot');
  assert.is(newest.meta['git.commit'], tip);
  assert.is(await readRef(v.refs, 'refs/tags/v1'), newest.id);
  assert.equal((await verify({ vault: v, readData: true })).problems, []);

  // Vault's work on top is a git commit on top, and git checks out the vault's files
  await writeFile(`${dest}/README.md`, '# Game (in Vault)\n');
  await commit({ vault: v, message: 'from vault' });
  await v.close();
  const p = await runVault(dest, ['push'], ENV);
  assert.is(p.code, 0, p.stderr);
  await fsck(repo.dir);
  await git(src, 'pull', '-q', '--ff-only', authUrl(ctx, repo.dir), 'main');
  assert.is(await readFile(`${src}/README.md`, 'utf8'), '# Game (in Vault)\n');
  assert.is(await readFile(`${src}/hero.psd`, 'utf8'), pointer);
});

test('clone of a git repository with a submodule fails with exit 1 and says why', async (ctx) => {
  const repo = await newRepo(ctx);
  const src = `${ctx.tmp}/src`;
  await run('git', ['init', '-q', '-b', 'main', src]);
  await writeFile(`${src}/a.txt`, 'a\n');
  await git(src, 'add', '-A');
  await git(src, 'commit', '-q', '-m', 'first');
  const sub = (await git(src, 'rev-parse', 'HEAD')).trim();
  await git(src, 'update-index', '--add', '--cacheinfo', `160000,${sub},lib`);
  await git(src, 'commit', '-q', '-m', 'submodule');
  await git(src, 'push', '-q', authUrl(ctx, repo.dir), 'main');
  const dest = `${ctx.tmp}/game`;
  const r = await runVault(ctx.tmp, ['clone', repo.url, dest], ENV);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stderr, /'lib'.*submodule/);
  assert.match(r.stderr, /EIMPORT|cannot import/);
});

test.run();
