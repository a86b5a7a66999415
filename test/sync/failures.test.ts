// what goes wrong on the wire: wrong password, no server, the server dying in the middle of a push.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { verify } from '../../src/porcelain/verify.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { codeOf, diskVault, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, USER, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/failures', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

test('wrong password or none: EAUTH for push, fetch and clone; nothing written', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  const { vault } = tv;
  await commit({ vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  const bad = { VAULT_GIT_USERNAME: USER, VAULT_GIT_PASSWORD: 'wrong' };
  assert.is(await codeOf(() => push({ vault, env: bad })), 'EAUTH');
  assert.is(await codeOf(() => push({ vault, env: {} })), 'EAUTH');
  assert.is(await codeOf(() => fetch({ vault, env: bad })), 'EAUTH');
  assert.is(
    await codeOf(() => clone({ fs: nodeFs, url: repo.url, dir: `${ctx.tmp}/c`, env: bad, codec: new InlineCodec() })),
    'EAUTH',
  );
  assert.is(await codeOf(() => nodeFs.stat(`${ctx.tmp}/c`)), 'ENOENT', 'a failed clone leaves no folder behind');
  assert.is((await run('git', ['-C', repo.dir, 'for-each-ref'])).stdout, '');
  // a token works too
  const ok = await push({ vault, env: { VAULT_GIT_USERNAME: USER, VAULT_GIT_TOKEN: ENV.VAULT_GIT_PASSWORD } });
  assert.is(ok.updated.length, 1);
  await vault.close();
});

test('no server there: ENETWORK', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await ctx.server.stop();
  assert.is(await codeOf(() => push({ vault: tv.vault, env: ENV })), 'ENETWORK');
  assert.is(await codeOf(() => fetch({ vault: tv.vault, env: ENV })), 'ENETWORK');
  await ctx.server.restart();
  await tv.vault.close();
});

test('server killed mid-push: ENETWORK, nothing corrupted on either side, the retry sends only the rest', async (ctx) => {
  const tv = await diskVault(ctx.tmp, {
    'x.bin': prngBytes(21, 3_000_000),
    'y.bin': prngBytes(22, 3_000_000),
    'a.txt': 'a\n',
  });
  const { vault } = tv;
  await commit({ vault, message: 'big' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  let killed = false;
  // two 1 MiB batches go through (about 2.1 MB with the pack framing), then the server dies half-way into the third
  ctx.server.killWhen = () => {
    if (!killed && (ctx.server.bytesIn['git-receive-pack'] ?? 0) > 2_700_000) {
      killed = true;
      return true;
    }
    return false;
  };
  assert.is(await codeOf(() => push({ vault, env: ENV, batchBytes: 1024 * 1024 })), 'ENETWORK');
  assert.ok(killed, 'the server was killed during the push');
  ctx.server.killWhen = undefined;
  await ctx.server.restart();
  // the remote is consistent (git fsck) and its branch did not move; the vault is intact
  await run('git', ['-C', repo.dir, 'fsck', '--full']);
  assert.is((await run('git', ['-C', repo.dir, 'for-each-ref', 'refs/heads'])).stdout, '');
  assert.equal((await verify({ vault, readData: true })).problems, []);

  ctx.server.resetCounters();
  const retry = await push({ vault, env: ENV, batchBytes: 1024 * 1024 });
  assert.is(retry.updated.length, 1);
  const sent = must(ctx.server.bytesIn['git-receive-pack'], 'bytes received by git-receive-pack');
  console.log(`    retry after the kill sent ${sent} of ~6 MB`);
  assert.ok(sent < 4_300_000, `retry sent ${sent}`);
  await run('git', ['-C', repo.dir, 'fsck', '--full']);
  const c = await clone({ fs: nodeFs, url: repo.url, dir: `${ctx.tmp}/copy`, env: ENV, codec: new InlineCodec() });
  assert.is(c.imported, 1);
  assert.equal(await listTree(nodeFs, `${ctx.tmp}/copy`), await listTree(nodeFs, tv.dir));
  await vault.close();
});

test('a remote that lost objects Vault believed it had: the push notices and resends', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n', 'b.bin': prngBytes(30, 600_000) });
  const { vault } = tv;
  await commit({ vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
  // someone replaces the history on the server and it is garbage-collected
  const g = (...a: string[]) =>
    run('git', ['-C', repo.dir, ...a], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'W',
        GIT_AUTHOR_EMAIL: 'w@x',
        GIT_COMMITTER_NAME: 'W',
        GIT_COMMITTER_EMAIL: 'w@x',
      },
    });
  const plain = (await g('commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'replaced')).stdout.trim();
  await g('update-ref', 'refs/heads/other', plain);
  await g('update-ref', '-d', 'refs/heads/main');
  await g('reflog', 'expire', '--expire=now', '--all');
  await g('gc', '-q', '--prune=now');
  assert.is((await g('count-objects', '-v')).stdout.includes('count: 0'), true);
  ctx.server.resetCounters();
  const r = await push({ vault, env: ENV });
  assert.equal(r.rejected, []);
  assert.is(
    ctx.server.requests.filter((q) => q.method === 'POST').length,
    2,
    'refused once (objects missing), then sent in full',
  );
  assert.equal(
    r.updated.map((u) => u.ref),
    ['refs/heads/main'],
  );
  await g('fsck', '--full');
  assert.is((await g('show', 'main:a.txt')).stdout, 'a\n');
  await vault.close();
});

test.run();
