// shallow clones (--depth, --since): only the newest snapshots come; the rest is said to be missing, then deepened.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { runVault } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { codeOf, diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/shallow', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const openAt = (dir: string) =>
  openVault({ fs: nodeFs, cwd: dir, codec: new InlineCodec(), clock: fakeClock(1_800_000_000_000), author: 'B <b@x>' });

/** Five snapshots, a day apart, each a new 1 MB version of one file; pushed. Returns their ids, oldest first. */
async function history(ctx: SyncCtx): Promise<{ ids: string[]; url: string; dir: string }> {
  const day = 86_400_000;
  let now = 1_700_000_000_000;
  const tv = await diskVault(ctx.tmp, { 'notes.md': 'v0\n' });
  await tv.vault.close();
  const vault = await openVault({
    fs: nodeFs,
    cwd: tv.dir,
    codec: new InlineCodec(),
    clock: () => now,
    author: 'A <a@x>',
  });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    await writeFile(`${tv.dir}/notes.md`, `v${i}\n`);
    await writeFile(`${tv.dir}/level.bin`, prngBytes(100 + i, 1_000_000));
    ids.push((await commit({ vault, message: `day ${i}` })).id!);
    now += day;
  }
  const repo = await newRepo(ctx);
  await addRemote(nodeFs, vault.vaultDir, 'origin', repo.url);
  await push({ vault, env: ENV });
  await vault.close();
  return { ids, ...repo };
}

test('clone --depth 2 downloads two snapshots; older history is ESHALLOW; deepen brings it in', async (ctx) => {
  const { ids, url, dir: srv } = await history(ctx);
  ctx.server.resetCounters();
  const dest = `${ctx.tmp}/copy`;
  const c = await clone({ fs: nodeFs, url, dir: dest, env: ENV, codec: new InlineCodec(), depth: 2 });
  const downloaded = ctx.server.bytesOut['git-upload-pack'] ?? 0;
  assert.is(c.head, ids[4]);
  assert.is(c.imported, 2);
  assert.is(c.shallow, 1);
  assert.ok(downloaded < 2_600_000, `a depth-2 clone downloaded ${downloaded} bytes (5 MB in all)`);
  assert.is(await readFile(`${dest}/notes.md`, 'utf8'), 'v4\n');
  assert.match(await readFile(`${dest}/.vault/shallow`, 'utf8'), new RegExp(`^[0-9a-f]{40} ${ids[3]}\\n$`));

  const v = await openAt(dest);
  assert.equal(
    (await log({ vault: v })).map((e) => e.id),
    [ids[4], ids[3]],
  );
  assert.equal((await verify({ vault: v, readData: true })).problems, []);
  assert.is(
    await codeOf(() => restore({ vault: v, snapshot: must(ids[1], 'day 1'), to: `${ctx.tmp}/old` })),
    'ESHALLOW',
  );
  assert.is(await codeOf(() => restore({ vault: v, snapshot: 'HEAD~3', to: `${ctx.tmp}/old` })), 'ESHALLOW');

  // two more back, then the rest: the boundary moves, then goes
  const d = await fetch({ vault: v, env: ENV, deepen: 2 });
  assert.is(d.imported, 2);
  assert.is(d.shallow, 1);
  assert.equal(
    (await log({ vault: v })).map((e) => e.id),
    [ids[4], ids[3], ids[2], ids[1]],
  );
  await restore({ vault: v, snapshot: must(ids[1], 'day 1'), to: `${ctx.tmp}/old` });
  assert.is(await readFile(`${ctx.tmp}/old/notes.md`, 'utf8'), 'v1\n');
  const all = await fetch({ vault: v, env: ENV, deepen: 10 });
  assert.is(all.imported, 1);
  assert.is(all.shallow, 0);
  assert.not.ok(existsSync(`${dest}/.vault/shallow`));
  assert.equal(
    (await log({ vault: v })).map((e) => e.id),
    [...ids].reverse(),
  );
  assert.equal((await verify({ vault: v, readData: true })).problems, []);

  // a shallow clone commits and pushes like any other
  await writeFile(`${dest}/notes.md`, 'from the shallow clone\n');
  await commit({ vault: v, message: 'more' });
  const p = await push({ vault: v, env: ENV });
  assert.equal(p.rejected, []);
  await run('git', ['-C', srv, 'fsck', '--full', '--strict']);
  await v.close();
});

test('CLI: clone --since, log stops at the boundary, fetch --deepen, a full vault cannot deepen', async (ctx) => {
  const { ids, url, dir: srv } = await history(ctx);
  const dest = `${ctx.tmp}/copy`;
  // the last snapshot is at day 4; since day 2.5 keeps days 3 and 4
  const since = new Date(1_700_000_000_000 + 2.5 * 86_400_000).toISOString();
  const r = await runVault(ctx.tmp, ['clone', '--since', since, url, dest], ENV);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 snapshot\(s\) \(shallow history\)/);
  const lg = await runVault(dest, ['log', '--json'], ENV);
  assert.is(lg.code, 0, lg.stderr);
  assert.equal(
    JSON.parse(lg.stdout).map((e: { id: string }) => e.id),
    [ids[4], ids[3]],
  );
  const old = await runVault(
    dest,
    ['restore', must(ids[0], 'day 0').slice(0, 12), '--to', `${ctx.tmp}/old`, '--json'],
    ENV,
  );
  assert.is(old.code, 1);
  assert.match(old.stdout + old.stderr, /ESHALLOW/);
  const d = await runVault(dest, ['fetch', '--deepen', '5'], ENV);
  assert.is(d.code, 0, d.stderr);
  assert.match(d.stdout, /fetched 3 new snapshot/);
  const again = await runVault(dest, ['fetch', '--deepen', '1'], ENV);
  assert.is(again.code, 2, again.stderr);
  const bad = await runVault(ctx.tmp, ['clone', '--depth', '0', url, `${ctx.tmp}/x`], ENV);
  assert.is(bad.code, 2);
  await run('git', ['-C', srv, 'fsck', '--full', '--strict']);
});

test('a shallow clone goes through gc, forget, prune and verify; the boundary is kept; deepen still works', async (ctx) => {
  const { ids, url, dir: srv } = await history(ctx);
  const dest = `${ctx.tmp}/copy`;
  const r = await runVault(ctx.tmp, ['clone', '--depth', '4', url, dest], ENV);
  assert.is(r.code, 0, r.stderr);
  const ok = async (args: string[]) => {
    const c = await runVault(dest, args, ENV);
    assert.is(c.code, 0, `vault ${args.join(' ')}: ${c.stdout}${c.stderr}`);
    return c;
  };
  await ok(['gc']);
  // keep the last 2: day 2 goes, day 1 (the boundary: its parent was never fetched) stays
  const f = await ok(['forget', '--keep-last', '2', '--json']);
  const plan = JSON.parse(f.stdout) as { data?: unknown } & Record<string, unknown>;
  const rows = ((plan.data ?? plan) as { snapshots: { id: string; keep: boolean; reasons: string[] }[] }).snapshots;
  assert.equal(
    rows.map((s) => [s.id, s.keep]),
    [
      [ids[4], true],
      [ids[3], true],
      [ids[2], false],
      [ids[1], true],
    ],
  );
  assert.ok(rows[3]?.reasons.includes('shallow boundary'), JSON.stringify(rows[3]));
  await ok(['prune']);
  await ok(['verify', '--read-data']);
  const lg = JSON.parse((await ok(['log', '--json'])).stdout) as { id: string; message: string }[];
  assert.equal(
    lg.map((e) => e.message),
    ['day 4', 'day 3', 'day 1'],
  );
  assert.is(lg[2]?.id, ids[1], 'the boundary snapshot is the same one');
  // the rest of the history still comes, under the kept boundary
  await ok(['fetch', '--deepen', '5']);
  assert.equal(
    (JSON.parse((await ok(['log', '--json'])).stdout) as { message: string }[]).map((e) => e.message),
    ['day 4', 'day 3', 'day 1', 'day 0'],
  );
  await ok(['verify', '--read-data']);
  await writeFile(`${dest}/notes.md`, 'after prune\n');
  await ok(['commit', '-m', 'after']);
  // forget re-wrote the branch: the remote takes it only when asked to
  const plain = await runVault(dest, ['push'], ENV);
  assert.is(plain.code, 1, plain.stderr);
  await ok(['push', '--force-with-lease']);
  await run('git', ['-C', srv, 'fsck', '--full', '--strict']);
});

test('pull in a shallow clone merges on top of the boundary; a base older than it is ESHALLOW', async (ctx) => {
  const { url, dir: srv } = await history(ctx);
  const [a, b] = [`${ctx.tmp}/a`, `${ctx.tmp}/b`];
  assert.is((await runVault(ctx.tmp, ['clone', url, a], ENV)).code, 0);
  const c = await runVault(ctx.tmp, ['clone', '--depth', '1', url, b], ENV);
  assert.is(c.code, 0, c.stderr);
  const ok = async (dir: string, args: string[]) => {
    const r = await runVault(dir, args, ENV);
    assert.is(r.code, 0, `vault ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r;
  };
  // both sides work on top of the newest snapshot (b's boundary): the merge base is the boundary itself
  await writeFile(`${a}/from-a.txt`, 'a\n');
  await ok(a, ['commit', '-m', 'a']);
  await ok(a, ['push']);
  await writeFile(`${b}/from-b.txt`, 'b\n');
  await ok(b, ['commit', '-m', 'b']);
  await ok(b, ['pull']);
  assert.is(await readFile(`${b}/from-a.txt`, 'utf8'), 'a\n');
  assert.is(await readFile(`${b}/from-b.txt`, 'utf8'), 'b\n');
  await ok(b, ['push']);
  await run('git', ['-C', srv, 'fsck', '--full', '--strict']);

  // a branch that forked below b's boundary: the two sides meet in history b never fetched
  await ok(a, ['pull']);
  await ok(a, ['switch', '-c', 'old', 'HEAD~4']);
  await writeFile(`${a}/old.txt`, 'old\n');
  await ok(a, ['commit', '-m', 'on an old base']);
  await ok(a, ['push']);
  const old = (await ok(a, ['rev-parse', 'HEAD'])).stdout.trim();
  await ok(b, ['fetch']);
  const m = await runVault(b, ['merge', old], ENV);
  assert.is(m.code, 1, m.stdout + m.stderr);
  assert.match(m.stderr, /no common ancestor in the history this shallow clone holds/, m.stdout + m.stderr);
  assert.match(m.stderr, /vault fetch --deepen/);
});

test.run();
