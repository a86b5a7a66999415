// push to a real git smart-HTTP server: what lands there, what a git user sees, and how little a second push sends.
import { readFile, writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { updateRef } from '../../src/refs/refs.js';
import { createMilestone } from '../../src/personas/game/milestones.js';
import { prngBytes } from '../helpers/prng.js';
import { diskVault } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/push', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const git = async (dir: string, ...args: string[]) =>
  (await run('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })).stdout;

test('push: each snapshot is a commit; small files as themselves, large ones as manifests; milestones and tags as tags; fsck passes', async (ctx) => {
  const big = prngBytes(7, 2_500_000);
  const tv = await diskVault(ctx.tmp, {
    'notes.md': 'castle notes\n',
    Art: { 'hero.psd': big, 'run.sh': 'echo hi\n' },
  });
  const { vault } = tv;
  const c1 = await commit({ vault, message: 'first blockout' });
  await writeFile(`${tv.dir}/notes.md`, 'castle notes\nmoat added\n');
  const c2 = await commit({ vault, message: 'moat' });
  const alpha = await createMilestone({
    vault,
    name: 'alpha',
    type: 'alpha',
    message: 'first playable',
    snapshot: c1.id!,
  });
  await updateRef({
    ...vault.refs,
    ref: 'refs/tags/v1',
    value: c2.id!,
    expected: null,
    message: 't',
    author: 'a',
    time: 1,
  });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);

  const r = await push({ vault, env: ENV });
  assert.equal(r.updated.map((u) => u.gitRef).sort(), [
    'refs/heads/main',
    'refs/tags/milestones/alpha',
    'refs/tags/v1',
  ]);
  assert.equal(r.rejected, []);
  assert.is(r.exported, 3, 'two snapshots and the milestone annotation');

  const refs = await git(repo.dir, 'for-each-ref', '--format=%(refname)');
  assert.equal(
    refs.trim().split('\n').sort(),
    ['refs/heads/main', 'refs/tags/milestones/alpha', 'refs/tags/v1'],
    'no upload ref left behind',
  );
  const logText = await git(
    repo.dir,
    'log',
    '--format=%an <%ae>|%at|%s|%(trailers:key=Vault-Snapshot,valueonly)',
    'main',
  );
  const lines = logText.trim().split('\n').filter(Boolean);
  assert.is(
    lines[0],
    `Tess Ter <tess@example.org>|${Math.floor(((await vault.db.readTyped(c2.id!, 'snapshot')).toString().match(/"time":(\d+)/)![1] as unknown as number) / 1000)}|moat|${c2.id}`,
  );
  assert.match(must(lines[1], 'the first commit'), `|first blockout|${c1.id}`);
  assert.is(await git(repo.dir, 'show', 'main:notes.md'), 'castle notes\nmoat added\n');
  // the milestone is a tag on a commit whose parent is the marked snapshot's, named in a trailer
  const ms = await git(
    repo.dir,
    'log',
    '-1',
    '--format=%P|%s|%(trailers:key=Vault-Milestone,valueonly)',
    'milestones/alpha',
  );
  assert.is(ms.trim(), `${(await git(repo.dir, 'rev-parse', 'main~1')).trim()}|first playable|alpha (alpha)`);
  void alpha;
  const manifest = await git(repo.dir, 'show', 'main:Art/hero.psd');
  assert.match(manifest, /^vault-large-file v1\n/);
  assert.match(manifest, /^size 2500000$/m);
  // the chunks named by the manifest are blobs in the commit, and concatenated they are the file
  const chunks = [...manifest.matchAll(/^chunk ([0-9a-f]{64}) (\d+) ([0-9a-f]{40})$/gm)];
  assert.ok(chunks.length >= 3, `chunks: ${chunks.length}`);
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const id = must(c[1], 'a chunk id');
    const blob = must(c[3], "a chunk's git blob");
    assert.is((await git(repo.dir, 'rev-parse', `main:.vault/chunks/${id.slice(0, 2)}/${id}`)).trim(), blob);
    parts.push(
      (await run('git', ['-C', repo.dir, 'cat-file', 'blob', blob], { encoding: 'buffer', maxBuffer: 8 << 20 }))
        .stdout as Buffer,
    );
  }
  assert.ok(Buffer.concat(parts).equals(big));
  // the snapshot's canonical bytes travel, so its id is preserved
  assert.ok(
    Buffer.from(await git(repo.dir, 'show', 'main:.vault/snapshot.json')).equals(
      await vault.db.readTyped(c2.id!, 'snapshot'),
    ),
  );
  await git(repo.dir, 'fsck', '--full', '--strict');
  // a plain git clone works and checks out
  await run('git', [
    'clone',
    '-q',
    ctx.server.url(repo.dir.split('/').pop()!, { user: ENV.VAULT_GIT_USERNAME, password: ENV.VAULT_GIT_PASSWORD }),
    `${ctx.tmp}/gitclone`,
  ]);
  await git(`${ctx.tmp}/gitclone`, 'fsck', '--full');
  assert.is(await readFile(`${ctx.tmp}/gitclone/notes.md`, 'utf8'), 'castle notes\nmoat added\n');
  assert.match(await readFile(`${ctx.tmp}/gitclone/Art/hero.psd`, 'utf8'), /^vault-large-file v1/);
  await vault.close();
});

test('incremental: a second push sends nothing; a 10-byte edit of a 6 MB file sends a few chunks', async (ctx) => {
  const big = prngBytes(11, 6_000_000);
  const tv = await diskVault(ctx.tmp, { 'level.bin': big, 'a.txt': 'a\n' });
  const { vault } = tv;
  await commit({ vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  const first = await push({ vault, env: ENV });
  assert.ok(first.bytesSent > 6_000_000, `first push sent ${first.bytesSent}`);

  ctx.server.resetCounters();
  const again = await push({ vault, env: ENV });
  assert.is(again.bytesSent, 0);
  assert.is(ctx.server.bytesIn['git-receive-pack'] ?? 0, 0, 'no receive-pack POST at all');
  assert.is(ctx.server.requests.length, 1, 'only the ref advertisement');

  const edited = Buffer.concat([big.subarray(0, 3_000_000), Buffer.from('0123456789'), big.subarray(3_000_000)]);
  await writeFile(`${tv.dir}/level.bin`, edited);
  await commit({ vault, message: 'small edit' });
  ctx.server.resetCounters();
  const inc = await push({ vault, env: ENV });
  const sent = must(ctx.server.bytesIn['git-receive-pack'], 'bytes received by git-receive-pack');
  assert.is(sent, inc.bytesSent, 'what the server received is what push counted');
  console.log(`    incremental push after a 10-byte edit of 6 MB: ${sent} bytes (${inc.objectsSent} objects)`);
  assert.ok(sent < 1_600_000, `sent ${sent} bytes`);
  await git(repo.dir, 'fsck', '--full');
  await vault.close();
});

test('a chunk shared by several files and snapshots is sent and stored once', async (ctx) => {
  const shared = prngBytes(3, 1_500_000);
  const tv = await diskVault(ctx.tmp, { 'a.bin': shared, 'b.bin': shared, sub: { 'c.bin': shared } });
  const { vault } = tv;
  await commit({ vault, message: 'three copies' });
  await writeFile(`${tv.dir}/d.bin`, shared);
  await commit({ vault, message: 'a fourth' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  const r = await push({ vault, env: ENV });
  assert.ok(r.bytesSent < 1_500_000 * 1.2, `sent ${r.bytesSent}`);
  const count = await git(repo.dir, 'count-objects', '-v');
  const packKb = Number(/size-pack: (\d+)/.exec(count)![1]) + Number(/^size: (\d+)/m.exec(count)![1]);
  assert.ok(packKb * 1024 < 1_500_000 * 1.2, `remote stores ${packKb} KiB`);
  await vault.close();
});

test('batches: a push larger than the batch goes in several requests and leaves no upload ref', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'x.bin': prngBytes(5, 3_000_000), 'y.bin': prngBytes(6, 2_000_000) });
  const { vault } = tv;
  await commit({ vault, message: 'big' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  const r = await push({ vault, env: ENV, batchBytes: 1024 * 1024 });
  assert.ok(r.requests >= 4, `requests: ${r.requests}`);
  assert.is((await git(repo.dir, 'for-each-ref', '--format=%(refname)')).trim(), 'refs/heads/main');
  await git(repo.dir, 'fsck', '--full');
  await vault.close();
});

test.run();
