// History with merges: log shows both sides (date order), --first-parent the branch's own line,
// topo order keeps each side together; the --graph drawing; the TUI's timeline pager.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { openTimeline, snapshotChanges } from '../../src/porcelain/timeline.js';
import { merge } from '../../src/porcelain/merge/merge.js';
import { switchBranch } from '../../src/porcelain/switchBranch.js';
import { logGraph } from '../../src/ui/logGraph.js';
import { edit } from '../helpers/branches.js';
import { memVault } from '../helpers/vault.js';

const test = suite('porcelain/logMerges');

/** o -> a1 -> a2 (main), o -> b1 -> b2 (feature), commits interleaved in time; then M = merge feature into main. */
async function history() {
  const t = await memVault({ 'x.txt': 'o' });
  const { vault } = t;
  const c = async (p: string, v: string) => {
    await edit(t.fs, t.dir, { [p]: v });
    return (await commit({ vault, message: v })).id!;
  };
  const o = (await commit({ vault, message: 'o' })).id!;
  await switchBranch({ vault, name: 'feature', create: true });
  const b1 = await c('b.txt', 'b1');
  await switchBranch({ vault, name: 'main' });
  const a1 = await c('a.txt', 'a1');
  await switchBranch({ vault, name: 'feature' });
  const b2 = await c('b.txt', 'b2');
  await switchBranch({ vault, name: 'main' });
  const a2 = await c('a.txt', 'a2');
  const m = (await merge({ vault, theirs: 'feature' })).id!;
  return { t, ids: { o, a1, a2, b1, b2, m } };
}

const named = (ids: Record<string, string>, list: { id: string }[]) =>
  list.map((e) => Object.keys(ids).find((k) => ids[k] === e.id));

test('plain log shows both sides of a merge, newest first; --first-parent only the branch line', async () => {
  const { t, ids } = await history();
  assert.equal(named(ids, await log({ vault: t.vault })), ['m', 'a2', 'b2', 'a1', 'b1', 'o']);
  assert.equal(named(ids, await log({ vault: t.vault, firstParent: true })), ['m', 'a2', 'a1', 'o']);
  assert.equal(named(ids, await log({ vault: t.vault, order: 'topo' })), ['m', 'b2', 'b1', 'a2', 'a1', 'o']);
  assert.equal(named(ids, await log({ vault: t.vault, limit: 3 })), ['m', 'a2', 'b2']);
  assert.equal((await log({ vault: t.vault, limit: 1 }))[0]!.parents, [ids.a2, ids.b2]);
});

test('--graph draws the merge, each side, and where the lines meet', async () => {
  const { t, ids } = await history();
  const entries = await log({ vault: t.vault, order: 'topo' });
  const rows = logGraph(entries);
  const drawn = entries.flatMap((e, i) => [
    ...rows[i]!.before,
    `${rows[i]!.row} ${named(ids, [e])[0]}`,
    ...rows[i]!.after,
  ]);
  assert.equal(drawn, ['* m', '|\\', '| * b2', '| * b1', '* | a2', '* | a1', '|/', '* o']);
  const first = await log({ vault: t.vault, order: 'topo', firstParent: true });
  const straight = logGraph(first, { firstParent: true });
  assert.equal(
    straight.map((r) => [...r.before, r.row, ...r.after].join('/')),
    ['*', '*', '*', '*'],
  );
});

test('graph: two branches off one snapshot, a root in the middle column, an octopus-free criss-cross', () => {
  // c and d both have parent b: two columns meet at b
  const rows = logGraph([
    { id: 'd', parents: ['b'] },
    { id: 'c', parents: ['b'] },
    { id: 'b', parents: [] },
  ]);
  assert.equal(
    rows.map((r) => [...r.before, r.row, ...r.after]),
    [['*'], ['| *'], ['|/', '*']],
  );
  const cross = logGraph([
    { id: 'm2', parents: ['a2', 'b2'] },
    { id: 'b2', parents: ['b1', 'a1'] },
    { id: 'a2', parents: ['a1', 'b1'] },
    { id: 'b1', parents: ['o'] },
    { id: 'a1', parents: ['o'] },
    { id: 'o', parents: [] },
  ]);
  // the line from b2 to a1 passes under b1's line to meet a1's
  assert.equal(
    cross.flatMap((r) => [...r.before, r.row, ...r.after]),
    ['*', '|\\', '| *', '| |\\', '* | |', '|\\ \\ \\', '| |/ /', '| * |', '|_|/', '* |', '|/', '*'],
  );
});

test('the timeline pager pages through both sides of merges; done after the last page', async () => {
  const { t, ids } = await history();
  const p = await openTimeline({ vault: t.vault });
  assert.equal(named(ids, await p.next(4)), ['m', 'a2', 'b2', 'a1']);
  assert.not.ok(p.done);
  assert.equal(named(ids, await p.next(4)), ['b1', 'o']);
  assert.ok(p.done);
  assert.equal(await p.next(4), []);
  const fp = await openTimeline({ vault: t.vault, firstParent: true });
  assert.equal(named(ids, await fp.next(10)), ['m', 'a2', 'a1', 'o']);
  assert.ok(fp.done);
  // a merge's changes in the timeline are against its first parent: what the merge brought in
  const ch = await snapshotChanges(t.vault, ids.m);
  assert.equal(ch.parent, ids.a2);
  assert.equal(
    ch.added.map((c) => c.path),
    ['b.txt'],
  );
});

test.run();
