// snapshot attachments (thumbnails, reference graphs, workspace files) travel with their snapshot over git
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { readAttachedFile, readAttachment, type CommitAttachment } from '../../src/porcelain/attachments.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { verify } from '../../src/porcelain/verify.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { prngBytes } from '../helpers/prng.js';
import { diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, startFixture, stopFixture, type SyncCtx } from './gitServer.js';

const test = suite<SyncCtx>('sync/attachments', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

/** a small attached file per changed file, and one big (chunked) file from disk */
function attachment(bigPath: string): CommitAttachment {
  return {
    name: 'extra',
    async run(ctx) {
      const out = [];
      for (const c of [...ctx.changes.added, ...ctx.changes.modified])
        out.push(await ctx.putBytes(`${c.path}.len`, Buffer.from(String(c.newSize))));
      out.push(await ctx.putFile('big.bin', bigPath));
      return out;
    },
  };
}

test('push and clone keep each snapshot id and its attachments, byte for byte; fetch brings new ones', async (ctx) => {
  const tv = await diskVault(
    ctx.tmp,
    { 'a.txt': 'one\n', 'b.bin': prngBytes(1, 300_000) },
    { mtime: 1_600_000_000_000 },
  );
  const big = `${ctx.tmp}/outside.bin`;
  await writeFile(big, prngBytes(7, 3_000_000));
  const { vault } = tv;
  const first = await commit({ vault, message: 'one', attachments: [attachment(big)] });
  assert.ok(first.attachments);
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });

  const dest = `${ctx.tmp}/copy`;
  await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() });
  const v2 = await openVault({
    fs: nodeFs,
    cwd: dest,
    codec: new InlineCodec(),
    clock: fakeClock(1_800_000_000_000),
    author: 'x',
  });
  const s2 = await readSnapshot(v2, 'HEAD');
  assert.is(s2.id, first.id);
  assert.is(s2.attachments, first.attachments);
  const files = await readAttachment(v2, s2.attachments, 'extra');
  assert.equal([...files.keys()].sort(), ['a.txt.len', 'b.bin.len', 'big.bin']);
  assert.ok((await readAttachedFile(v2, files.get('big.bin')!)).equals(prngBytes(7, 3_000_000)));
  assert.is((await readAttachedFile(v2, files.get('b.bin.len')!)).toString(), '300000');

  // a second snapshot with a changed outside file: fetch imports its attachments too
  await writeFile(`${tv.dir}/a.txt`, 'two\n');
  await writeFile(big, prngBytes(8, 3_000_000));
  const second = await commit({ vault, message: 'two', attachments: [attachment(big)] });
  await push({ vault, env: ENV });
  await fetch({ vault: v2, env: ENV });
  const got = await readAttachment(v2, (await readSnapshot(v2, second.id!)).attachments, 'extra');
  assert.ok((await readAttachedFile(v2, got.get('big.bin')!)).equals(prngBytes(8, 3_000_000)));
  assert.equal((await verify({ vault: v2, readData: true })).problems, []);
  await v2.close();
  await vault.close();
});

test.run();
