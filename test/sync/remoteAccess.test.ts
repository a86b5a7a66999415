// How a remote is reached: git's credential helper (fill, approve, reject), and the URL forms `git clone` takes
// (trailing slash, with or without `.git`, `user@` in the URL). Issue 15.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gitCredential } from '../../src/plumbing/git/credentials.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { listLocks, lock, unlock } from '../../src/porcelain/locks/index.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { runVault } from '../helpers/cli.js';
import { codeOf, diskVault, nodeFs } from '../helpers/vault.js';
import {
  ENV,
  makeBareRepo,
  newRepo,
  PASSWORD,
  run,
  startFixture,
  stopFixture,
  USER,
  type SyncCtx,
} from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/remoteAccess', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

/** A HOME of its own whose git config uses the `store` credential helper; `lines` go to ~/.git-credentials. */
async function helperHome(ctx: SyncCtx, lines: string[] | null): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = join(ctx.tmp, `home${++ctx.n}`);
  await mkdir(home, { recursive: true });
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    VAULT_GIT_USERNAME: '',
    VAULT_GIT_PASSWORD: '',
    VAULT_GIT_TOKEN: '',
  };
  await run('git', ['config', '--global', 'credential.helper', 'store'], { env: { ...process.env, ...env } });
  if (lines) await writeFile(join(home, '.git-credentials'), lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  return { home, env };
}

const hostOf = (url: string) => new URL(url).host;
const credLine = (url: string, user = USER, password = PASSWORD) =>
  `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${hostOf(url)}`;

/** The user:password pairs in the store helper's file (it writes the host's ':' as %3a). */
async function storedLogins(home: string): Promise<string[]> {
  const text = await readFile(join(home, '.git-credentials'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => /^https?:\/\/([^:@/]*):([^@/]*)@/.exec(l))
    .map((m) => (m ? `${decodeURIComponent(must(m[1]))}:${decodeURIComponent(must(m[2]))}` : '?'));
}

/** Every file under `dir` holding the password as a URL or an HTTP header would carry it. */
async function filesHoldingPassword(dir: string, password = PASSWORD): Promise<string[]> {
  const forms = [password, encodeURIComponent(password), Buffer.from(`${USER}:${password}`).toString('base64')];
  const hits: string[] = [];
  for (const rel of (await readdir(dir, { recursive: true })).map(String)) {
    const p = join(dir, rel);
    if (!(await stat(p)).isFile()) continue;
    const text = (await readFile(p)).toString('latin1');
    if (forms.some((f) => text.includes(f))) hits.push(rel);
  }
  return hits;
}

async function pushedVault(ctx: SyncCtx, url?: string) {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'alpha\n', 'b.bin': 'beta\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const repo = url ? { url, dir: '' } : await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  const p = await push({ vault: tv.vault, env: ENV });
  assert.is(p.updated.length, 1);
  return { tv, repo };
}

test('git credential helper: an existing login (store helper) is used by push, fetch and clone', async (ctx) => {
  const repo = await newRepo(ctx);
  const { env, home } = await helperHome(ctx, [credLine(repo.url)]);
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  await commit({ vault: tv.vault, message: 'one' });
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  // nothing in the environment or the URL: the first request is refused, the helper's login is used
  assert.is((await push({ vault: tv.vault, env })).updated.length, 1);
  assert.is((await fetch({ vault: tv.vault, env })).imported, 0);
  await tv.vault.close();
  const dir = join(ctx.tmp, 'copy');
  const c = await clone({ fs: nodeFs, url: repo.url, dir, env, codec: new InlineCodec() });
  assert.is(c.imported, 1);
  assert.is(await readFile(join(dir, 'a.txt'), 'utf8'), 'a\n');
  assert.equal(await filesHoldingPassword(join(dir, '.vault')), []);
  // the helper's file holds the one login it had (approve stores the same login again)
  assert.equal(await storedLogins(home), [`${USER}:${PASSWORD}`]);
  // and the CLI, with that HOME
  const cli = await runVault(ctx.tmp, ['clone', repo.url, 'cli-copy'], env);
  assert.is(cli.code, 0, cli.stderr);
  const p = await runVault(join(ctx.tmp, 'cli-copy'), ['push'], env);
  assert.is(p.code, 0, p.stderr);
  // with VAULT_GIT_CREDENTIAL_HELPER=0 the helper is left out
  const off = await runVault(ctx.tmp, ['clone', repo.url, 'off-copy'], { ...env, VAULT_GIT_CREDENTIAL_HELPER: '0' });
  assert.is(off.code, 1);
  assert.match(off.stderr, /EAUTH|refused the credentials/);
});

test('git credential helper: a login the server refuses is rejected (erased) and the command fails with EAUTH', async (ctx) => {
  const { tv, repo } = await pushedVault(ctx);
  const { env, home } = await helperHome(ctx, [credLine(repo.url, USER, 'wrong')]);
  assert.is(await codeOf(() => fetch({ vault: tv.vault, env })), 'EAUTH');
  assert.not.match(await readFile(join(home, '.git-credentials'), 'utf8'), 'wrong');
  // given credentials that fail are not the helper's business: its entries stay
  await writeFile(join(home, '.git-credentials'), `${credLine(repo.url)}\n`);
  assert.is(
    await codeOf(() => fetch({ vault: tv.vault, env, credentials: { username: USER, password: 'bad' } })),
    'EAUTH',
  );
  assert.equal(await storedLogins(home), [`${USER}:${PASSWORD}`]);
  await tv.vault.close();
});

test('a password in the URL: never on disk; handed to the helper only with --save-credentials', async (ctx) => {
  const { tv, repo } = await pushedVault(ctx);
  await tv.vault.close();
  const withPw = repo.url.replace('http://', `http://${USER}:${PASSWORD}@`);
  const { env, home } = await helperHome(ctx, null);
  // without the flag: the helper's file is not even created
  const a = await runVault(ctx.tmp, ['clone', withPw, 'a'], env);
  assert.is(a.code, 0, a.stderr);
  assert.equal(await filesHoldingPassword(join(ctx.tmp, 'a', '.vault')), []);
  assert.is(await codeOf(() => stat(join(home, '.git-credentials'))), 'ENOENT');
  // push and fetch with a password URL remote: used, not stored
  await writeFile(join(ctx.tmp, 'a', 'c.txt'), 'gamma\n');
  assert.is((await runVault(join(ctx.tmp, 'a'), ['commit', '-m', 'two'], env)).code, 0);
  assert.is((await runVault(join(ctx.tmp, 'a'), ['remote', 'add', 'pw', withPw], env)).code, 0);
  const p = await runVault(join(ctx.tmp, 'a'), ['push', 'pw'], { ...env, VAULT_GIT_PASSWORD: PASSWORD });
  assert.is(p.code, 0, p.stderr);
  assert.is((await runVault(join(ctx.tmp, 'a'), ['fetch', 'pw'], { ...env, VAULT_GIT_PASSWORD: PASSWORD })).code, 0);
  assert.equal(await filesHoldingPassword(join(ctx.tmp, 'a', '.vault')), []);
  assert.is(await codeOf(() => stat(join(home, '.git-credentials'))), 'ENOENT');
  // with the flag: stored by git's helper (not by Vault), and a later command with no password works
  const b = await runVault(ctx.tmp, ['clone', withPw, 'b', '--save-credentials'], env);
  assert.is(b.code, 0, b.stderr);
  assert.equal(await filesHoldingPassword(join(ctx.tmp, 'b', '.vault')), []);
  assert.equal(await storedLogins(home), [`${USER}:${PASSWORD}`]);
  const f = await runVault(join(ctx.tmp, 'b'), ['pull'], env);
  assert.is(f.code, 0, f.stderr);
  assert.is(await readFile(join(ctx.tmp, 'b', 'c.txt'), 'utf8'), 'gamma\n');
});

test('git credential helper: lock, locks and unlock use the login too (they failed with EAUTH)', async (ctx) => {
  const { tv, repo } = await pushedVault(ctx);
  const { env } = await helperHome(ctx, [credLine(repo.url)]);
  const l = await lock({ vault: tv.vault, env, paths: ['b.bin'], message: 'mine' });
  assert.equal(
    l.locked.map((v) => v.record?.path),
    ['b.bin'],
  );
  const seen = await listLocks({ vault: tv.vault, env });
  assert.is(seen.cached, false, 'read from the remote, not the cache');
  assert.equal(
    seen.locks.map((v) => v.record?.path),
    ['b.bin'],
  );
  const u = await unlock({ vault: tv.vault, env, paths: ['b.bin'] });
  assert.equal(
    u.unlocked.map((v) => v.record?.path),
    ['b.bin'],
  );
  // the CLI, with that HOME; and without the helper the server's refusal is the error
  const root = tv.vault.workTree;
  await tv.vault.close();
  const cli = await runVault(root, ['lock', 'a.txt'], env);
  assert.is(cli.code, 0, cli.stderr);
  const off = await runVault(root, ['locks'], { ...env, VAULT_GIT_CREDENTIAL_HELPER: '0' });
  assert.is(off.code, 1, off.stderr);
  assert.match(off.stderr, /refused the credentials/);
});

test('gitCredential never hangs: no helper and no terminal, or a helper that does not answer', async (ctx) => {
  const repo = await newRepo(ctx);
  const { env } = await helperHome(ctx, null);
  await run('git', ['config', '--global', 'credential.helper', ''], { env: { ...process.env, ...env } });
  let t = Date.now();
  assert.is(await gitCredential('fill', repo.url, undefined, { env }), undefined);
  assert.ok(Date.now() - t < 5000);
  await run('git', ['config', '--global', 'credential.helper', '!sleep 30; echo'], { env: { ...process.env, ...env } });
  t = Date.now();
  assert.is(await gitCredential('fill', repo.url, undefined, { env, timeoutMs: 500 }), undefined);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
  // git is not installed: nothing, no error
  assert.is(await gitCredential('fill', repo.url, undefined, { env: { ...env, PATH: '/nonexistent' } }), undefined);
});

test('URL forms: trailing slash, with and without .git, user@ in the URL', async (ctx) => {
  const { tv, repo } = await pushedVault(ctx);
  await tv.vault.close();
  const forms: [string, string][] = [
    ['trailing slash', `${repo.url}/`],
    ['two trailing slashes', `${repo.url}//`],
    ['user@', repo.url.replace('http://', `http://${USER}@`)],
    ['user@ and slash', `${repo.url.replace('http://', `http://${USER}@`)}/`],
  ];
  // a repository whose folder has no .git suffix, reached both ways git reaches it
  await makeBareRepo(ctx.srvRoot, 'plain');
  const plainUrl = ctx.server.url('plain');
  const pv = await diskVault(join(ctx.tmp, 'pv'), { 'p.txt': 'plain\n' });
  await commit({ vault: pv.vault, message: 'p' });
  await addRemote(pv.fs, pv.vault.vaultDir, 'origin', `${plainUrl}/`);
  assert.is((await push({ vault: pv.vault, env: ENV })).updated.length, 1);
  await pv.vault.close();
  forms.push(['no .git suffix', plainUrl], ['no .git suffix, slash', `${plainUrl}/`]);
  for (const [what, url] of forms) {
    const dir = join(ctx.tmp, `clone-${what.replace(/\W+/g, '-')}`);
    const c = await clone({ fs: nodeFs, url, dir, env: ENV, codec: new InlineCodec() });
    assert.is(c.imported, 1, what);
    // the user name in the URL goes with the password from the environment (or the helper)
    const r = await runVault(dir, ['push'], ENV);
    assert.is(r.code, 0, `${what}: ${r.stderr}`);
    const f = await runVault(dir, ['fetch'], ENV);
    assert.is(f.code, 0, `${what}: ${f.stderr}`);
  }
  // the CLI names the folder after the repository whatever the form
  for (const [url, name] of [
    [`${repo.url}/`, 'r1'],
    [`${plainUrl}/`, 'plain'],
  ] as const) {
    const r = await runVault(join(ctx.tmp, 'pv'), ['clone', url], ENV);
    assert.is(r.code, 0, r.stderr);
    assert.ok((await stat(join(ctx.tmp, 'pv', name, '.vault'))).isDirectory(), name);
  }
  // user@ with the helper giving that user's password
  const { env } = await helperHome(ctx, [credLine(repo.url, 'someone-else', 'nope'), credLine(repo.url)]);
  const c = await clone({
    fs: nodeFs,
    url: repo.url.replace('http://', `http://${USER}@`),
    dir: join(ctx.tmp, 'helper-user'),
    env,
    codec: new InlineCodec(),
  });
  assert.is(c.imported, 1);
});

test.run();
