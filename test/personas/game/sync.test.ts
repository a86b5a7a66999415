/** Game records travel with push / clone / fetch (refs/notes/game/* as git refs of the same name). */
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listBuilds, recordBuild } from '../../../src/personas/game/builds.js';
import { addFeedback, listFeedback } from '../../../src/personas/game/feedback.js';
import { commit } from '../../../src/porcelain/commit.js';
import { openVault } from '../../../src/porcelain/openVault.js';
import { verify } from '../../../src/porcelain/verify.js';
import { clone } from '../../../src/porcelain/sync/clone.js';
import { fetch } from '../../../src/porcelain/sync/fetch.js';
import { push } from '../../../src/porcelain/sync/push.js';
import { addRemote } from '../../../src/porcelain/sync/state.js';
import { InlineCodec } from '../../../src/plumbing/codec.js';
import { readStoredFile } from '../../../src/porcelain/diff.js';
import { prngBytes } from '../../helpers/prng.js';
import { diskVault, fakeClock, nodeFs } from '../../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from '../../sync/gitServer.js';
import { sampleGame } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite<SyncCtx>('personas/game/sync', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

test('records push, clone and fetch (fast-forward); records added on both sides are never overwritten: fetch unites them', async (ctx) => {
  const a = await diskVault(ctx.tmp, sampleGame());
  await commit({ vault: a.vault, message: 'first playable' });
  const artifact = `${ctx.tmp}/game.pck`;
  await writeFile(artifact, prngBytes(3, 1_500_000));
  const b1 = await recordBuild({ vault: a.vault, version: '0.1', platform: 'windows', artifacts: [artifact] });
  await addFeedback({ vault: a.vault, build: '0.1', tester: 'ana', rating: 4 });
  const repo = await newRepo(ctx);
  await addRemote(a.fs, a.vault.vaultDir, 'origin', repo.url);
  const p1 = await push({ vault: a.vault, env: ENV });
  assert.equal(p1.rejected, []);
  assert.ok(p1.updated.some((u) => u.gitRef === 'refs/notes/game/builds'));
  // the remote stays an ordinary git repository
  await run('git', ['-C', repo.dir, 'fsck', '--full']);
  assert.match(
    (await run('git', ['-C', repo.dir, 'for-each-ref', '--format=%(refname)'])).stdout,
    /refs\/notes\/game\/feedback/,
  );

  const dest = `${ctx.tmp}/copy`;
  await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() });
  const b = await openVault({
    fs: nodeFs,
    cwd: dest,
    codec: new InlineCodec(),
    clock: fakeClock(1_800_000_000_000),
    author: 'bo',
  });
  const got = await listBuilds({ vault: b });
  assert.equal(
    got.map((x) => x.id),
    [b1.id],
  );
  const file = must(got[0]?.files[0], "the build's artifact");
  assert.ok((await readStoredFile(b, file.obj, file.id)).equals(prngBytes(3, 1_500_000)));
  assert.is((await listFeedback({ vault: b })).length, 1);

  // a moves its records forward: push updates the remote's ref, fetch fast-forwards b's
  const b2 = await recordBuild({ vault: a.vault, version: '0.2', platform: 'windows' });
  const p2 = await push({ vault: a.vault, env: ENV });
  assert.equal(p2.rejected, []);
  const f = await fetch({ vault: b, env: ENV });
  assert.equal(f.conflicts, []);
  assert.equal(
    (await listBuilds({ vault: b })).map((x) => x.id),
    [b1.id, b2.id],
  );
  assert.is((await verify({ vault: b, readData: true })).problems.length, 0);

  // both record a build and feedback: push refuses to overwrite, fetch unites the records, then push goes through
  await recordBuild({ vault: a.vault, version: '0.3', platform: 'windows' });
  await addFeedback({ vault: a.vault, build: '0.1', tester: 'cy', rating: 2 });
  await recordBuild({ vault: b, version: '0.3', platform: 'switch' });
  await addFeedback({ vault: b, build: '0.1', tester: 'dee', rating: 5 });
  await push({ vault: a.vault, env: ENV });
  const pb = await push({ vault: b, env: ENV });
  assert.equal(
    pb.rejected.map((r) => r.ref),
    ['refs/notes/game/builds', 'refs/notes/game/feedback'],
  );
  const fb = await fetch({ vault: b, env: ENV });
  assert.equal(fb.conflicts, []);
  assert.equal((await listBuilds({ vault: b })).map((x) => `${x.version}@${x.platform}`).sort(), [
    '0.1@windows',
    '0.2@windows',
    '0.3@switch',
    '0.3@windows',
  ]);
  assert.equal((await listFeedback({ vault: b })).map((x) => x.tester).sort(), ['ana', 'cy', 'dee']);
  assert.equal((await push({ vault: b, env: ENV })).rejected, []);
  await fetch({ vault: a.vault, env: ENV });
  assert.equal((await listFeedback({ vault: a.vault })).map((x) => x.tester).sort(), ['ana', 'cy', 'dee']);
  assert.is((await verify({ vault: a.vault, readData: true })).problems.length, 0);
  await b.close();
  await a.vault.close();
});

test.run();
