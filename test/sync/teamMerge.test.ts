// `vault pull` on diverged histories runs the three-way merge, as two people use it from the command line
// against the real git server: no conflict (a merge snapshot, pushed), a binary conflict resolved each way,
// a text conflict with markers, --ff-only. `git fsck --full --strict` on the server after each.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { ensureBuilt, fails, fsck, headOf, ok, put, team } from './team.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/teamMerge', {} as SyncCtx);
test.before.each(async (ctx) => {
  ensureBuilt();
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

test('diverged histories without a conflict: pull merges, push sends the merge, the other side fast-forwards', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  await put(ana.dir, { 'a.txt': 'ana was here\n' });
  await ok(ana('commit', '-m', 'ana: a'));
  await ok(ana('push'));
  await put(bo.dir, { 'b.txt': 'bo was here\n', 'new.txt': 'new\n' });
  await ok(bo('commit', '-m', 'bo: b'));
  const boBefore = await headOf(bo);
  // refused first: both sides have snapshots (Bo has not fetched Ana's)
  const refused = await fails(bo('push', '--json'), 'EREJECTED');
  assert.equal(
    refused.data.rejected.map((r: { ref: string; why: string }) => `${r.ref} ${r.why}`),
    ['refs/heads/main fetch-first'],
  );

  const pl = await ok(bo('pull'));
  assert.match(pl.stdout, /main: merged origin\/main \([0-9a-f]{12}\): snapshot [0-9a-f]{64}/);
  assert.match(pl.stdout, /run 'vault push origin'/);
  assert.is(await readFile(join(bo.dir, 'a.txt'), 'utf8'), 'ana was here\n');
  assert.is(await readFile(join(bo.dir, 'b.txt'), 'utf8'), 'bo was here\n');
  const merged = await headOf(bo);
  const log = JSON.parse((await ok(bo('log', '--json'))).stdout) as { id: string; parents: string[] }[];
  const tip = must(log[0], 'the merge');
  assert.is(tip.id, merged);
  assert.is(tip.parents.length, 2);
  assert.is(tip.parents[0], boBefore);
  assert.ok((await ok(bo('status'))).stdout.length >= 0);

  await ok(bo('push'));
  await fsck(repo.dir);
  const ff = await ok(ana('pull'));
  assert.match(ff.stdout, /fast-forward/);
  assert.is(await headOf(ana), merged);
  assert.is(await readFile(join(ana.dir, 'new.txt'), 'utf8'), 'new\n');
  assert.match((await ok(ana('push'))).stdout, /origin is up to date/);
});

for (const side of ['ours', 'theirs'] as const)
  test(`a binary conflict resolved --${side}: status lists it, commit records the merge, push works`, async (ctx) => {
    const { ana, bo, repo } = await team(ctx, { 'Art/hero.bin': prngBytes(1, 300_000) });
    const anaArt = prngBytes(2, 300_000);
    const boArt = prngBytes(3, 300_000);
    await put(ana.dir, { 'Art/hero.bin': anaArt });
    await ok(ana('commit', '-m', 'ana paints'));
    await ok(ana('push'));
    await put(bo.dir, { 'Art/hero.bin': boArt });
    await ok(bo('commit', '-m', 'bo paints'));

    const pl = await bo('pull');
    assert.is(pl.code, 1, pl.stderr);
    assert.match(pl.stdout, /1 conflict\(s\) to resolve/);
    assert.match(pl.stdout, /^C {2}Art\/hero\.bin .*theirs in Art\/hero~theirs\.bin/m);
    assert.equal(await readFile(join(bo.dir, 'Art/hero.bin')), boArt, 'ours stays in place');
    assert.equal(await readFile(join(bo.dir, 'Art/hero~theirs.bin')), anaArt, 'theirs beside it');
    const pj = JSON.parse((await bo('pull', '--json')).stdout);
    assert.ok(pj.error, 'a second pull during the merge is refused');
    const st = await bo('status');
    assert.match(st.stdout, /Art\/hero\.bin/);
    assert.match(st.stdout + st.stderr, /conflict/i);
    // not resolved yet: commit refuses
    assert.is((await bo('commit')).code, 1);

    await ok(bo('resolve', 'Art/hero.bin', `--${side}`));
    assert.not.ok(await exists(join(bo.dir, 'Art/hero~theirs.bin')));
    await ok(bo('commit'));
    const merge = await headOf(bo);
    await ok(bo('push'));
    await fsck(repo.dir);
    await ok(ana('pull'));
    assert.is(await headOf(ana), merge);
    assert.equal(await readFile(join(ana.dir, 'Art/hero.bin')), side === 'ours' ? boArt : anaArt);
    const log = JSON.parse((await ok(ana('log', '--json'))).stdout) as { parents: string[] }[];
    assert.is(must(log[0], 'the merge').parents.length, 2);
  });

test('a text conflict: markers in the file, edited and resolved, committed and pushed; --ff-only refuses', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'notes.md': 'title\nline two\nend\n' });
  await put(ana.dir, { 'notes.md': 'title\nline two by Ana\nend\n' });
  await ok(ana('commit', '-m', 'ana edits'));
  await ok(ana('push'));
  await put(bo.dir, { 'notes.md': 'title\nline two by Bo\nend\n' });
  await ok(bo('commit', '-m', 'bo edits'));
  const before = await headOf(bo);

  const ffOnly = await fails(bo('pull', '--ff-only', '--json'), 'EDIVERGED');
  assert.match(JSON.stringify(ffOnly), /without --ff-only/);
  assert.is(await headOf(bo), before);

  const pl = await bo('pull');
  assert.is(pl.code, 1, pl.stderr);
  assert.match(pl.stdout, /notes\.md .*conflict markers/);
  const text = await readFile(join(bo.dir, 'notes.md'), 'utf8');
  assert.match(text, /^<<<<<<< main\nline two by Bo\n=======\nline two by Ana\n>>>>>>> origin\/main$/m);
  await put(bo.dir, { 'notes.md': 'title\nline two by Ana and Bo\nend\n' });
  await ok(bo('resolve', 'notes.md'));
  await ok(bo('commit'));
  await ok(bo('push'));
  await fsck(repo.dir);
  await ok(ana('pull'));
  assert.is(await readFile(join(ana.dir, 'notes.md'), 'utf8'), 'title\nline two by Ana and Bo\nend\n');
});

test.run();
