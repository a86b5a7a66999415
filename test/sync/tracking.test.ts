// A teammate's branch, as git users reach it: `vault branch -r` lists the remotes' branches as last fetched,
// `origin/NAME` names one wherever a snapshot is named (log, merge, restore, rev-parse), and `vault switch NAME`
// makes a branch only a remote has, from the remote's. Two clones of one remote on the real git server.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeBareRepo, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { ensureBuilt, fails, fsck, headOf, ok, person, put, team } from './team.js';

const test = suite<SyncCtx>('sync/tracking', {} as SyncCtx);
test.before.each(async (ctx) => {
  ensureBuilt();
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

test("origin/NAME and branch -r: a teammate's branch is listed, named, merged and switched to", async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'notes.md': 'castle\n', 'level.txt': 'one\n' });
  // a third clone made before the branch exists (a clone makes every branch the remote has)
  await ok(person('Cy', ctx.tmp)('clone', repo.url, 'cy'));
  const cy = person('Cy', join(ctx.tmp, 'cy'));
  await ok(ana('switch', '-c', 'lighting'));
  await put(ana.dir, { 'level.txt': 'one, at dusk\n' });
  await ok(ana('commit', '-m', 'dusk'));
  await ok(ana('push'));
  const dusk = await headOf(ana);

  // before a fetch, Bo's vault does not know the branch
  await fails(bo('rev-parse', 'origin/lighting', '--json'), 'EUNKNOWNREV');
  await ok(bo('fetch'));
  const listed = (await ok(bo('branch', '-r'))).stdout;
  assert.match(listed, /^ {2}origin\/lighting {2}[0-9a-f]{12}$/m);
  assert.match(listed, /^ {2}origin\/main {2}[0-9a-f]{12}$/m);
  assert.not.match(listed, /^\* main/m, '-r lists only the remotes');
  assert.match((await ok(bo('branch', '-a'))).stdout, /^\* main .*\n {2}origin\/lighting /m);
  const json = JSON.parse((await ok(bo('branch', '--json'))).stdout) as { remotes: { name: string; id: string }[] };
  assert.equal(
    json.remotes.map((r) => r.name),
    ['origin/lighting', 'origin/main'],
  );
  assert.is((await ok(bo('rev-parse', 'origin/lighting'))).stdout.trim(), dusk);
  assert.match((await ok(bo('log', 'origin/lighting', '-n', '1'))).stdout, /dusk/);
  // a mistyped remote branch is still unknown
  await fails(bo('rev-parse', 'origin/lightning', '--json'), 'EUNKNOWNREV');

  // merge it by its remote name (Bo has nothing new: a fast-forward)
  await ok(bo('merge', 'origin/lighting'));
  assert.is(await readFile(join(bo.dir, 'level.txt'), 'utf8'), 'one, at dusk\n');

  // the third clone switches to the branch by its short name: made from origin/lighting, then checked out
  await fails(cy('switch', 'lighting', '--json'), 'ENOREF');
  await ok(cy('fetch'));
  const sw = await ok(cy('switch', 'lighting'));
  assert.match(sw.stdout, /^branch lighting made from origin\/lighting$/m);
  assert.is(await headOf(cy), dusk);
  assert.is(await readFile(join(cy.dir, 'level.txt'), 'utf8'), 'one, at dusk\n');
  await put(cy.dir, { 'notes.md': 'castle, lit\n' });
  await ok(cy('commit', '-m', 'cy on lighting'));
  await ok(cy('push'));
  await fsck(repo.dir);

  // a name two remotes have is ambiguous: the error names both, nothing is switched
  await makeBareRepo(ctx.srvRoot, 'mirror.git');
  await ok(ana('remote', 'add', 'mirror', ctx.server.url('mirror.git')));
  await ok(ana('push', 'mirror'));
  await ok(bo('remote', 'add', 'mirror', ctx.server.url('mirror.git')));
  await ok(bo('fetch', 'mirror'));
  await ok(bo('switch', 'main'));
  const both = await fails(bo('switch', 'lighting', '--json'), 'ENOREF');
  assert.match(both.message, /several remotes have one \(mirror\/lighting, origin\/lighting\)/);
  assert.match(both.hint ?? '', /vault switch -c lighting mirror\/lighting/);
  assert.equal((await ok(bo('branch'))).stdout.trim().split('\n'), ['* main  ' + (await headOf(bo)).slice(0, 12)]);
});

test('status says what the remote lacks and what it has that this branch lacks, as of the last fetch or push', async (ctx) => {
  const { ana, bo } = await team(ctx, { 'notes.md': 'castle\n' });
  const line = async (p: typeof ana) => {
    const out = (await ok(p('status'))).stdout;
    return out.split('\n')[1] ?? '';
  };
  assert.is(await line(ana), 'up to date with origin/main (as of the last fetch or push)');
  for (const n of [1, 2]) {
    await put(ana.dir, { 'notes.md': `castle ${n}\n` });
    await ok(ana('commit', '-m', `ana ${n}`));
  }
  assert.is(await line(ana), "2 snapshots not pushed to origin/main ('vault push origin')");
  const json = JSON.parse((await ok(ana('status', '--json'))).stdout) as {
    upstreams: { remote: string; branch: string; snapshot: string; ahead: number; behind: number }[];
  };
  assert.equal(
    json.upstreams.map((u) => [u.remote, u.branch, u.ahead, u.behind, /^[0-9a-f]{64}$/.test(u.snapshot)]),
    [['origin', 'main', 2, 0, true]],
  );
  await ok(ana('push'));
  assert.is(await line(ana), 'up to date with origin/main (as of the last fetch or push)');

  // Bo has not fetched: as far as his vault knows, nothing changed; after a fetch he is behind
  assert.is(await line(bo), 'up to date with origin/main (as of the last fetch or push)');
  await ok(bo('fetch'));
  assert.is(await line(bo), "behind origin/main by 2 snapshots ('vault pull origin')");
  await put(bo.dir, { 'bo.txt': 'bo\n' });
  await ok(bo('commit', '-m', 'bo'));
  assert.is(await line(bo), "diverged from origin/main: 1 here, 2 there ('vault pull origin' merges)");
  await ok(bo('pull'));
  assert.is(
    await line(bo),
    "2 snapshots not pushed to origin/main ('vault push origin')",
    'his snapshot and the merge',
  );

  // a branch the remote has never seen
  await ok(ana('switch', '-c', 'lighting'));
  await put(ana.dir, { 'light.txt': 'dusk\n' });
  await ok(ana('commit', '-m', 'dusk'));
  assert.is(await line(ana), "lighting is not on origin yet: 4 snapshots to push ('vault push origin')");
});

test.run();
