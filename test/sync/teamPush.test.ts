// Pushes a team can trust, from the command line against the real git server: every ref left behind is
// EREJECTED (exit 1) with why, a push race has one winner and one loser that exits 1, --force-with-lease,
// --delete, fetch --prune, and the flow that thins a remote (forget, prune, push --force-with-lease, fetch
// --prune on the other clone). `git fsck --full --strict` on the server after each scenario.
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, type CliRun } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { ENV, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { ensureBuilt, fails, fsck, headOf, ok, put, serverRefs, team, type Person } from './team.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/teamPush', {} as SyncCtx);
test.before.each(async (ctx) => {
  ensureBuilt();
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

type Rejected = { ref: string; why: string; reason: string };
const whys = (data: { rejected: Rejected[] }) => data.rejected.map((r) => `${r.ref} ${r.why}`);

/** `vault push --json` in a child process that starts when `go` resolves (both pushes leave together). */
function pushAt(p: Person, go: Promise<void>): Promise<CliRun> {
  return go.then(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'push', '--json'], {
          cwd: p.dir,
          env: { ...process.env, ...ENV, NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      }),
  );
}

test('two pushes at the same moment: one wins, the loser exits 1 with EREJECTED (3 rounds)', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  const outcomes: string[] = [];
  for (let round = 1; round <= 3; round++) {
    await put(ana.dir, { 'a.txt': `ana ${round}\n`, 'big.bin': prngBytes(round, 200_000) });
    await put(bo.dir, { 'b.txt': `bo ${round}\n` });
    await ok(ana('commit', '-m', `ana ${round}`));
    await ok(bo('commit', '-m', `bo ${round}`));
    let start!: () => void;
    const go = new Promise<void>((r) => (start = r));
    const both = Promise.all([pushAt(ana, go), pushAt(bo, go)]);
    start();
    const [ra, rb] = await both;
    const codes = [ra.code, rb.code].sort();
    assert.equal(codes, [0, 1], `round ${round}: exit codes ${ra.code} ${rb.code}\n${ra.stderr}\n${rb.stderr}`);
    const [winner, loser, lr] = ra.code === 0 ? [ana, bo, rb] : [bo, ana, ra];
    const err = JSON.parse(lr.stdout).error as { code: string; data: { rejected: Rejected[] } };
    assert.is(err.code, 'EREJECTED');
    assert.equal(
      err.data.rejected.map((r) => r.ref),
      ['refs/heads/main'],
    );
    const rejected = must(err.data.rejected[0], 'the rejected branch');
    assert.ok(['fetch-first', 'non-fast-forward'].includes(rejected.why), rejected.reason);
    outcomes.push(`${winner === ana ? 'ana' : 'bo'} won (${rejected.why}: ${rejected.reason})`);
    await fsck(repo.dir);
    // the server holds the winner's snapshot
    assert.is((await serverRefs(repo.dir))['refs/heads/main'], await gitCommitOf(winner, repo.dir));
    // the loser merges and pushes; the winner catches up
    await ok(loser('pull'));
    await ok(loser('push'));
    await ok(winner('pull'));
    assert.is(await headOf(winner), await headOf(loser));
  }
  console.log(`    push race: ${outcomes.join('; ')}`);
  await fsck(repo.dir);
});

/** The git commit of HEAD's snapshot, by its Vault-Snapshot trailer on the server. */
async function gitCommitOf(p: Person, repoDir: string): Promise<string> {
  const id = await headOf(p);
  const r = await run('git', ['-C', repoDir, 'log', '--all', '--format=%H %B']);
  const m = new RegExp(`^([0-9a-f]{40}) [\\s\\S]*?Vault-Snapshot: ${id}`, 'm').exec(
    r.stdout.split(/(?=^[0-9a-f]{40} )/m).find((c) => c.includes(`Vault-Snapshot: ${id}`)) ?? '',
  );
  return m?.[1] ?? '(none)';
}

test('records refused with "fetch first" exit 1, and every refusal is named with why', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'a\n' });
  // Ana records on a side branch (a snapshot Bo has not fetched) and pushes both
  await ok(ana('switch', '-c', 'side'));
  await put(ana.dir, { 'side.txt': 'side\n' });
  await ok(ana('commit', '-m', 'side'));
  await ok(ana('update-ref', 'refs/notes/studio/reviews', 'HEAD'));
  await ok(ana('push'));
  // Bo records too, on the snapshot he has: the remote's records are ones he lacks
  await ok(bo('update-ref', 'refs/notes/studio/reviews', 'HEAD'));
  // and a tag whose name Ana took for another snapshot, and a reserved name
  await ok(ana('tag', 'v1', 'side'));
  await ok(ana('push'));
  await ok(bo('tag', 'v1'));
  await ok(bo('tag', 'milestones/x'));
  const r = await bo('push', '--json');
  const err = await fails(r, 'EREJECTED');
  assert.equal(whys(err.data).sort(), [
    'refs/notes/studio/reviews fetch-first',
    'refs/tags/milestones/x reserved',
    'refs/tags/v1 exists',
  ]);
  assert.ok(err.data.rejected.every((x: Rejected) => x.reason.length > 0));
  // without --json: the message names each ref, a hint says what to do
  const plain = await bo('push');
  assert.is(plain.code, 1);
  assert.match(plain.stderr, /^vault: 3 ref\(s\) not updated on origin: .*refs\/notes\/studio\/reviews \(fetch-first/m);
  assert.match(plain.stderr, /^hint: .*vault fetch origin/m);
  await fsck(repo.dir);

  // a server hook refuses one branch: the others go, the refused one is named (server), exit 1
  const hook = join(repo.dir, 'hooks', 'update');
  await writeFile(
    hook,
    '#!/bin/sh\n[ "$1" = refs/heads/protected ] && { echo "protected by the studio" >&2; exit 1; }\nexit 0\n',
  );
  await chmod(hook, 0o755);
  await ok(ana('branch', 'protected'));
  await ok(ana('branch', 'open'));
  const hooked = await fails(ana('push', '--json'), 'EREJECTED');
  assert.equal(whys(hooked.data), ['refs/heads/protected server']);
  assert.match(must(hooked.data.rejected[0], 'the refused branch').reason, /hook declined/);
  assert.equal(
    (hooked.data.updated as { ref: string }[]).map((u) => u.ref),
    ['refs/heads/open'],
  );
  assert.ok((await serverRefs(repo.dir))['refs/heads/open']);
  assert.not.ok((await serverRefs(repo.dir))['refs/heads/protected']);
  await fsck(repo.dir);
});

test('--force-with-lease replaces only what was fetched; REF:EXPECTED; --delete of branches, tags, milestones', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'a\n' });
  await put(bo.dir, { 'a.txt': 'bo\n' });
  await ok(bo('commit', '-m', 'bo'));
  await ok(bo('push'));
  await put(ana.dir, { 'a.txt': 'ana\n' });
  await ok(ana('commit', '-m', 'ana'));
  // Ana has not fetched Bo's snapshot: a plain push and a lease both refuse
  assert.equal(whys((await fails(ana('push', '--json'), 'EREJECTED')).data), ['refs/heads/main fetch-first']);
  const stale = await fails(ana('push', '--force-with-lease', '--json'), 'EREJECTED');
  assert.equal(whys(stale.data), ['refs/heads/main stale']);
  assert.match(must(stale.data.rejected[0], 'the stale branch').reason, /moved since the last fetch/);
  // an expected value that is not what the remote has
  const anaHead = await headOf(ana);
  const wrong = await fails(ana('push', `--force-with-lease=main:${anaHead}`, '--json'), 'EREJECTED');
  assert.equal(whys(wrong.data), ['refs/heads/main stale']);
  // after a fetch, the lease holds: Ana's history replaces Bo's
  await ok(ana('fetch'));
  assert.equal(whys((await fails(ana('push', '--json'), 'EREJECTED')).data), ['refs/heads/main non-fast-forward']);
  const forced = await ok(ana('push', '--force-with-lease'));
  assert.match(forced.stdout, /^refs\/heads\/main -> /m);
  await fsck(repo.dir);
  // Bo's turn: he names what he expects (Ana's snapshot, fetched) explicitly
  await ok(bo('fetch'));
  await put(bo.dir, { 'b.txt': 'b\n' });
  await ok(bo('commit', '-m', 'bo again'));
  await ok(bo('push', `--force-with-lease=main:${anaHead}`));
  await fsck(repo.dir);

  // deletions: a branch, a tag, a milestone; a ref the remote lacks is rejected
  await ok(ana('pull'));
  await ok(ana('branch', 'feature'));
  await ok(ana('tag', 'v1'));
  await ok(ana('milestone', 'create', 'alpha'));
  await ok(ana('push'));
  let refs = await serverRefs(repo.dir);
  for (const r of ['refs/heads/feature', 'refs/tags/v1', 'refs/tags/milestones/alpha']) assert.ok(refs[r], r);
  const del = await ok(ana('push', '--delete', 'feature', '--delete', 'v1', '--delete', 'alpha'));
  assert.match(del.stdout, /refs\/heads\/feature deleted on origin/);
  refs = await serverRefs(repo.dir);
  for (const r of ['refs/heads/feature', 'refs/tags/v1', 'refs/tags/milestones/alpha']) assert.not.ok(refs[r], r);
  assert.ok(refs['refs/heads/main']);
  assert.equal(whys((await fails(ana('push', '--delete', 'nosuch', '--json'), 'EREJECTED')).data), [
    'refs/heads/nosuch no-such-ref',
  ]);
  await fsck(repo.dir);
});

test('fetch --prune: tags and milestones deleted on the remote go, local-only ones stay, none come back', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'a\n' });
  await ok(ana('tag', 'v1'));
  await ok(ana('milestone', 'create', 'alpha'));
  await ok(ana('branch', 'feature'));
  await ok(ana('push'));
  await ok(bo('fetch'));
  await ok(bo('tag', 'mine')); // Bo's own, never pushed... yet
  const tagsOf = async (p: Person) => (await ok(p('tag', '--json'))).stdout;
  assert.match(await tagsOf(bo), /v1/);

  // Ana deletes them here and on the remote
  await ok(ana('tag', '-d', 'v1'));
  await ok(ana('milestone', 'delete', 'alpha', '--force'));
  await ok(ana('branch', '-d', 'feature'));
  await ok(ana('push', '--delete', 'v1', '--delete', 'alpha', '--delete', 'feature'));
  await ok(ana('push'));
  let refs = await serverRefs(repo.dir);
  assert.not.ok(refs['refs/tags/v1']);

  // Bo has not pruned: his push does not bring them back (EREJECTED, deleted); his own tag goes up
  const f = JSON.parse((await ok(bo('fetch', '--json'))).stdout);
  assert.equal(f.gone, ['refs/milestones/alpha', 'refs/tags/v1']);
  assert.equal(f.deletedBranches, ['refs/heads/feature']);
  const refused = await fails(bo('push', '--json'), 'EREJECTED');
  assert.equal(whys(refused.data).sort(), ['refs/milestones/alpha deleted', 'refs/tags/v1 deleted']);
  refs = await serverRefs(repo.dir);
  assert.not.ok(refs['refs/tags/v1']);
  assert.not.ok(refs['refs/tags/milestones/alpha']);
  assert.ok(refs['refs/tags/mine'], 'the local-only tag was pushed');

  // prune: Bo's copies go, his own tag stays, and nothing comes back on the next fetch or push
  const pr = await ok(bo('fetch', '--prune'));
  assert.match(pr.stdout, /pruned tags\/v1/);
  assert.match(pr.stdout, /pruned milestones\/alpha/);
  const tags = await tagsOf(bo);
  assert.not.match(tags, /"v1"|refs\/tags\/v1/);
  assert.match(tags, /mine/);
  assert.match((await ok(bo('milestone', 'list'))).stdout, /^(?![\s\S]*alpha)/);
  await ok(bo('fetch'));
  assert.not.match(await tagsOf(bo), /"v1"|refs\/tags\/v1/);
  await ok(bo('push'));
  await ok(ana('fetch', '--prune'));
  assert.match(await tagsOf(ana), /mine/, "Bo's tag reached Ana and was not pruned");
  refs = await serverRefs(repo.dir);
  assert.not.ok(refs['refs/tags/v1']);
  await fsck(repo.dir);
});

test('thinning a remote: forget, prune, push --force-with-lease, then the other clone fetch --prune and pull', async (ctx) => {
  const { ana, bo, repo } = await team(ctx, { 'a.txt': 'v0\n' });
  for (let i = 1; i <= 4; i++) {
    await put(ana.dir, { 'a.txt': `v${i}\n`, [`big${i}.bin`]: prngBytes(10 + i, 400_000) });
    await ok(ana('commit', '-m', `v${i}`));
  }
  await ok(ana('tag', 'old', 'HEAD~2'));
  await ok(ana('push'));
  await ok(bo('pull'));
  const objectsBefore = await countObjects(repo.dir);

  // drop the first snapshots of the history everywhere
  await ok(ana('forget', '--keep-last', '2'));
  await ok(ana('prune'));
  const plain = await fails(ana('push', '--json'), 'EREJECTED');
  assert.ok(whys(plain.data).includes('refs/heads/main non-fast-forward'), JSON.stringify(plain.data));
  await ok(ana('push', '--force-with-lease'));
  await fsck(repo.dir);
  // the host's gc (what a git server runs on its own schedule) now frees the forgotten snapshots
  await run('git', ['-C', repo.dir, 'reflog', 'expire', '--expire=now', '--all']);
  await run('git', ['-C', repo.dir, 'gc', '--prune=now', '--quiet']);
  const objectsAfter = await countObjects(repo.dir);
  assert.ok(objectsAfter < objectsBefore, `${objectsAfter} objects, before ${objectsBefore}`);
  await fsck(repo.dir);

  // Bo follows: his branch had nothing new, so pull takes the rewritten history instead of merging it back
  await ok(bo('fetch', '--prune'));
  const pl = await ok(bo('pull'));
  assert.match(pl.stdout, /replaced its history/);
  assert.is(await headOf(bo), await headOf(ana));
  await ok(bo('prune'));
  // the last two, and the tagged one (forget keeps what a tag names, and moves the tag to its new copy)
  const log = JSON.parse((await ok(bo('log', '--json'))).stdout) as unknown[];
  assert.is(log.length, 3);
  assert.equal(JSON.parse((await ok(bo('tag', '--json'))).stdout), JSON.parse((await ok(ana('tag', '--json'))).stdout));
  assert.match((await ok(bo('push'))).stdout, /origin is up to date/);
  assert.is(await countObjects(repo.dir), objectsAfter);
  await fsck(repo.dir);
  // a fresh clone gets the thinned history
  await ok(ana('clone', repo.url, join(ctx.tmp, 'carl')));
});

async function countObjects(repoDir: string): Promise<number> {
  const r = await run('git', ['-C', repoDir, 'count-objects', '-v']);
  const n = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? 0);
  return n('count') + n('in-pack');
}

test.run();
