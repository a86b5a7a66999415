// A password typed into a remote URL is used for that command and never written to disk (issue 13, item 7).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote, listRemotes } from '../../src/porcelain/sync/state.js';
import { runVault } from '../helpers/cli.js';
import { codeOf, diskVault, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, PASSWORD, startFixture, stopFixture, USER, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/credentials', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

/** Every file under `dir` that holds the password in any form a URL or an HTTP header would carry it. */
async function filesHoldingPassword(dir: string): Promise<string[]> {
  const forms = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`${USER}:${PASSWORD}`).toString('base64')];
  const hits: string[] = [];
  for (const rel of (await readdir(dir, { recursive: true })).map(String)) {
    const p = join(dir, rel);
    if (!(await stat(p)).isFile()) continue;
    const text = (await readFile(p)).toString('latin1');
    if (forms.some((f) => text.includes(f))) hits.push(rel);
  }
  return hits;
}

const withPassword = (url: string) => url.replace('http://', `http://${USER}:${PASSWORD}@`);

test('clone and remote add with a password URL: used for the command, never stored; .vault/remotes is 0600', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();

  // no credentials in the environment: the URL's password is what makes the clone work
  const dir = join(ctx.tmp, 'copy');
  const c = await clone({ fs: nodeFs, url: withPassword(repo.url), dir, env: {}, codec: new InlineCodec() });
  assert.is(c.imported, 1);
  assert.equal(await filesHoldingPassword(join(dir, '.vault')), []);
  const origin = must((await listRemotes(nodeFs, join(dir, '.vault')))[0], 'the origin remote');
  assert.is(origin.url, repo.url.replace('http://', `http://${USER}@`), 'the user name is kept');
  assert.is((await stat(join(dir, '.vault', 'remotes'))).mode & 0o077, 0);
  // later commands: the user name from the URL, the password from the environment
  const v = await openVault({ fs: nodeFs, cwd: dir, codec: new InlineCodec() });
  assert.is(await codeOf(() => fetch({ vault: v, env: {} })), 'EAUTH');
  assert.is((await fetch({ vault: v, env: { VAULT_GIT_PASSWORD: PASSWORD } })).imported, 0);
  await v.close();

  // the CLI: remote add prints and stores the URL without the password, and says so
  const r = await runVault(dir, ['remote', 'add', 'backup', withPassword(repo.url)]);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stdout + r.stderr, PASSWORD);
  assert.match(r.stderr, /password in the URL was not stored/);
  const j = await runVault(dir, ['remote', 'add', 'third', withPassword(repo.url), '--json']);
  assert.not.match(j.stdout, PASSWORD);
  // and a CLI clone with the password in the URL
  const cli = await runVault(ctx.tmp, ['clone', withPassword(repo.url), 'cli-copy'], {
    VAULT_GIT_USERNAME: '',
    VAULT_GIT_PASSWORD: '',
  });
  assert.is(cli.code, 0, cli.stderr);
  assert.not.match(cli.stdout + cli.stderr, PASSWORD);
  assert.equal(await filesHoldingPassword(join(dir, '.vault')), []);
  assert.equal(await filesHoldingPassword(join(ctx.tmp, 'cli-copy', '.vault')), []);
});

test('a remotes file an older Vault wrote with a password: still used, made 0600, dropped on the next change', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const repo = await newRepo(ctx);
  const remotes = join(tv.vault.vaultDir, 'remotes');
  await writeFile(remotes, JSON.stringify({ origin: { url: withPassword(repo.url) } }), { mode: 0o644 });
  assert.is((await push({ vault: tv.vault, env: {} })).updated.length, 1);
  assert.is((await stat(remotes)).mode & 0o077, 0);
  await addRemote(tv.fs, tv.vault.vaultDir, 'other', repo.url);
  assert.equal(await filesHoldingPassword(tv.vault.vaultDir), []);
  await tv.vault.close();
});

test.run();
