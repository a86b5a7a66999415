// FILETYPE-v3: a chunk list that names blobs (small files inside a zip) survives push and clone
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeChunkList } from '../../src/objects/chunkList.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { lookupPath } from '../../src/plumbing/trees.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { diskVault, nodeFs } from '../helpers/vault.js';
import { makeZip } from '../../bench/containers.mjs';
import { ENV, newRepo, startFixture, stopFixture, type SyncCtx } from './gitServer.js';

const test = suite<SyncCtx>('sync/blob-parts', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

test("a zip whose small entries are the project's blobs: pushed, cloned, verified, restored byte-identical", async (ctx) => {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 12; i++) files[`s${i}.gd`] = prngBytes(10 + i, 3000 + i * 100);
  files['big.png'] = prngBytes(99, 400_000);
  const tv = await diskVault(ctx.tmp, { src: files });
  const { vault } = tv;
  await commit({ vault, message: 'sources' });
  // plus small entries that are no loose file of the project: blobs only the zip's chunk list names
  const extra = { 'gen/a.cfg': prngBytes(50, 900), 'gen/b.cfg': prngBytes(51, 1200) };
  const entries = Object.entries({ ...files, ...extra }).map(([name, data]) => ({ name, data }));
  await writeFile(`${tv.dir}/build.zip`, makeZip(entries));
  const id = (await commit({ vault, message: 'with its build' })).id!;
  // the zip's chunk list names the very blobs of the loose files
  const e = await lookupPath(vault.db, (await readSnapshot(vault, id)).tree, 'build.zip');
  assert.is(e!.obj, 'chunklist');
  const parts = decodeChunkList(await vault.db.readTyped(e!.id, 'chunklist')).chunks;
  const s0 = await lookupPath(vault.db, (await readSnapshot(vault, id)).tree, 'src/s0.gd');
  assert.ok(
    parts.some((c) => c.id === s0!.id),
    'src/s0.gd is a part of the zip',
  );
  assert.is(await vault.db.typeOf(s0!.id), 'blob');

  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
  const dest = `${ctx.tmp}/copy`;
  await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() });
  assert.equal(await listTree(nodeFs, dest), await listTree(nodeFs, tv.dir));
  const v2 = await openVault({ fs: nodeFs, cwd: dest, codec: new InlineCodec() });
  assert.equal((await verify({ vault: v2, readData: true })).problems, []);
  assert.is(await v2.db.typeOf(s0!.id), 'blob');
  await restore({ vault: v2, snapshot: id, to: `${ctx.tmp}/restored` });
  assert.equal(await listTree(nodeFs, `${ctx.tmp}/restored`), await listTree(nodeFs, dest));
  await v2.close();
  await vault.close();
});

test.run();
