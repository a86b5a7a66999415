// clone, fetch and pull through a real git server: same snapshot ids, byte-identical restores, diverged histories kept.
import { readdir, writeFile, rm } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch, pull } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { listRefs, readRef, updateRef } from '../../src/refs/refs.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { prngBytes } from '../helpers/prng.js';
import { exec, listTree, symlink } from '../helpers/tree.js';
import { codeOf, diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/clone', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const openAt = (dir: string) =>
  openVault({
    fs: nodeFs,
    cwd: dir,
    codec: new InlineCodec(),
    clock: fakeClock(1_800_000_000_000),
    author: 'Other Artist <other@example.org>',
  });

async function allSnapshots(v: Awaited<ReturnType<typeof openAt>>): Promise<string[]> {
  return (await log({ vault: v })).map((e) => e.id);
}

test('clone: every snapshot has the same id and restores byte-identical; refs come along', async (ctx) => {
  const tv = await diskVault(
    ctx.tmp,
    {
      'notes.md': 'one\n',
      'tool.sh': exec('#!/bin/sh\necho hi\n'),
      link: symlink('notes.md'),
      Art: { 'hero.psd': prngBytes(1, 2_000_000), empty: {} },
    },
    { mtime: 1_600_000_000_000 },
  );
  const { vault } = tv;
  const ids: string[] = [];
  ids.push((await commit({ vault, message: 'one' })).id!);
  await writeFile(`${tv.dir}/Art/hero.psd`, prngBytes(2, 2_100_000));
  await writeFile(`${tv.dir}/notes.md`, 'two\n');
  ids.push((await commit({ vault, message: 'two', meta: { persona: 'artist' } })).id!);
  await rm(`${tv.dir}/tool.sh`);
  ids.push((await commit({ vault, message: 'three' })).id!);
  await updateRef({
    ...vault.refs,
    ref: 'refs/milestones/beta',
    value: must(ids[1], 'the second snapshot'),
    expected: null,
    message: 'm',
    author: 'a',
    time: 1,
  });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });

  const dest = `${ctx.tmp}/copy`;
  const phases = new Set<string>();
  const c = await clone({
    fs: nodeFs,
    url: repo.url,
    dir: dest,
    env: ENV,
    codec: new InlineCodec(),
    onProgress: (p) => phases.add(p.phase),
  });
  assert.is(c.branch, 'refs/heads/main');
  assert.is(c.head, ids[2]);
  assert.is(c.imported, 3);
  assert.ok(phases.has('download') && phases.has('import') && phases.has('checkout'), [...phases].join());
  assert.equal(await listTree(nodeFs, dest), await listTree(nodeFs, tv.dir));
  const v2 = await openAt(dest);
  assert.equal(await allSnapshots(v2), [...ids].reverse());
  assert.is(await readRef(v2.refs, 'refs/milestones/beta'), ids[1]);
  for (const id of ids) {
    await restore({ vault: vault, snapshot: id, to: `${ctx.tmp}/a-${id.slice(0, 6)}` });
    await restore({ vault: v2, snapshot: id, to: `${ctx.tmp}/b-${id.slice(0, 6)}` });
    assert.equal(
      await listTree(nodeFs, `${ctx.tmp}/b-${id.slice(0, 6)}`),
      await listTree(nodeFs, `${ctx.tmp}/a-${id.slice(0, 6)}`),
      `snapshot ${id}`,
    );
  }
  // the staging copy of the download is dropped once it is in the vault's own packs
  assert.equal(
    (await readdir(`${dest}/.vault/git`)).filter((n) => n.startsWith('incoming-')),
    [],
  );
  const ver = await verify({ vault: v2, readData: true });
  assert.equal(ver.problems, []);
  await v2.close();
  await vault.close();
});

test('fetch and pull bring in snapshots another clone pushed; a second fetch downloads little', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n', 'big.bin': prngBytes(4, 3_000_000) });
  const { vault } = tv;
  await commit({ vault, message: 'base' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });

  const other = `${ctx.tmp}/other`;
  await clone({ fs: nodeFs, url: repo.url, dir: other, env: ENV, codec: new InlineCodec() });
  const v2 = await openAt(other);
  await writeFile(`${other}/a.txt`, 'changed by the other artist\n');
  await writeFile(`${other}/new.txt`, 'new\n');
  const theirs = (await commit({ vault: v2, message: 'their work' })).id!;
  ctx.server.resetCounters();
  const p = await push({ vault: v2, env: ENV });
  assert.ok(p.bytesSent < 20_000, `push from the clone sent ${p.bytesSent}`);

  ctx.server.resetCounters();
  const f = await fetch({ vault, env: ENV });
  assert.is(f.imported, 1);
  assert.is(f.refs['refs/heads/main'], theirs);
  assert.ok(
    (ctx.server.bytesIn['git-upload-pack'] ?? 0) < 5_000,
    `fetch request bytes ${ctx.server.bytesIn['git-upload-pack']}`,
  );
  assert.is.not(await readRef(vault.refs, 'refs/heads/main'), theirs, 'fetch moves no branch');

  const pl = await pull({ vault, env: ENV });
  assert.is(pl.outcome, 'fast-forward');
  assert.is(await readRef(vault.refs, 'refs/heads/main'), theirs);
  assert.equal(await listTree(nodeFs, tv.dir), await listTree(nodeFs, other));
  const again = await pull({ vault, env: ENV });
  assert.is(again.outcome, 'up-to-date');

  // another round: the download holds only the new snapshot, not the 3 MB file again
  await writeFile(`${other}/a.txt`, 'and again\n');
  const third = (await commit({ vault: v2, message: 'more of their work' })).id!;
  await push({ vault: v2, env: ENV });
  ctx.server.resetCounters();
  const pl2 = await pull({ vault, env: ENV });
  assert.is(pl2.outcome, 'fast-forward');
  assert.is(pl2.imported, 1);
  assert.is(await readRef(vault.refs, 'refs/heads/main'), third);
  const down = ctx.server.bytesOut['git-upload-pack'] ?? 0;
  console.log(`    incremental fetch downloaded ${down} bytes`);
  assert.ok(down < 50_000, `fetch downloaded ${down} bytes`);
  await v2.close();
  await vault.close();
});

test('diverged: push is rejected, pull --ff-only refuses with EDIVERGED, both sides are kept', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  const { vault } = tv;
  await commit({ vault, message: 'base' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
  const other = `${ctx.tmp}/other`;
  await clone({ fs: nodeFs, url: repo.url, dir: other, env: ENV, codec: new InlineCodec() });
  const v2 = await openAt(other);
  await writeFile(`${other}/a.txt`, 'theirs\n');
  const theirs = (await commit({ vault: v2, message: 'theirs' })).id!;
  await push({ vault: v2, env: ENV });

  await writeFile(`${tv.dir}/a.txt`, 'mine\n');
  const mine = (await commit({ vault, message: 'mine' })).id!;
  assert.equal(
    (await push({ vault, env: ENV })).rejected.map((r) => `${r.ref} ${r.why}`),
    ['refs/heads/main fetch-first'],
  );
  assert.is(await codeOf(() => pull({ vault, env: ENV, ffOnly: true })), 'EDIVERGED');
  // both kept: my branch and file untouched, their snapshot fetched into my vault
  assert.is(await readRef(vault.refs, 'refs/heads/main'), mine);
  assert.ok(await vault.db.has(theirs));
  assert.is((await run('cat', [`${tv.dir}/a.txt`])).stdout, 'mine\n');
  assert.is((await run('git', ['-C', repo.dir, 'rev-parse', 'main'])).stdout.trim().length, 40);
  const remoteMain = (await run('git', ['-C', repo.dir, 'show', 'main:a.txt'])).stdout;
  assert.is(remoteMain, 'theirs\n');
  assert.ok((await listRefs(vault.refs)).size >= 1);
  await v2.close();
  await vault.close();
});

test('a branch someone filled with plain git commits is imported beside the rest', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  const { vault } = tv;
  const id = (await commit({ vault, message: 'base' })).id!;
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
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
  await g('hash-object', '-w', '-t', 'tree', '/dev/null'); // the empty tree, so git fsck finds it
  const plain = (
    await g('commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'made in the web UI')
  ).stdout.trim();
  await g('update-ref', 'refs/heads/web-edit', plain);
  const c = await clone({ fs: nodeFs, url: repo.url, dir: `${ctx.tmp}/copy`, env: ENV, codec: new InlineCodec() });
  assert.equal(c.skipped, []);
  assert.is(c.head, id);
  assert.equal(Object.keys(c.refs).sort(), ['refs/heads/main', 'refs/heads/web-edit']);
  const v2 = await openAt(`${ctx.tmp}/copy`);
  const web = must((await log({ vault: v2, from: c.refs['refs/heads/web-edit'] }))[0], 'the web edit');
  assert.is(web.message, 'made in the web UI\n');
  assert.is(web.meta['git.commit'], plain);
  await g('fsck', '--full', '--strict');
  await v2.close();
  await vault.close();
});

test.run();
