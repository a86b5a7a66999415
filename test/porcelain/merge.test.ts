import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { status } from '../../src/porcelain/status.js';
import { verify } from '../../src/porcelain/verify.js';
import { prune } from '../../src/porcelain/prune.js';
import { deleteBranch } from '../../src/porcelain/branch.js';
import { switchBranch } from '../../src/porcelain/switchBranch.js';
import { merge } from '../../src/porcelain/merge/merge.js';
import { resolve } from '../../src/porcelain/merge/resolve.js';
import { abortMerge } from '../../src/porcelain/merge/abortMerge.js';
import { commitMerge } from '../../src/porcelain/merge/commitMerge.js';
import { readMergeState } from '../../src/porcelain/merge/state.js';
import type { FileMerger } from '../../src/porcelain/merge/mergeContent.js';
import type { CommitAttachment } from '../../src/porcelain/attachments.js';
import { readAttachment } from '../../src/porcelain/attachments.js';
import { diverged, edit, read } from '../helpers/branches.js';
import { listTree } from '../helpers/tree.js';
import { codeOf, memVault } from '../helpers/vault.js';
import { prngBytes } from '../helpers/prng.js';
import { writeTrees } from '../../src/plumbing/trees.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';

const test = suite('porcelain/merge');

const bin = (seed: number) => prngBytes(seed, 3000);
const text = (...lines: string[]) => lines.map((l) => `${l}\n`).join('');

test('no conflict: each side keeps its change, both parents, verify --read-data clean', async () => {
  const { t, ours, theirs } = await diverged(
    { 'a.txt': 'a0\n', 'b.bin': bin(1), 'gone.txt': 'bye', 'same.txt': 'x', Art: { 'keep.png': bin(2) } },
    { 'a.txt': 'a1\n', 'same.txt': 'y' },
    { 'b.bin': bin(3), 'gone.txt': null, 'Art/new.png': bin(4), 'same.txt': 'y' },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(r.outcome, 'merged');
  assert.equal(r.conflicts, []);
  assert.equal(
    r.merged.map((m) => [m.path, m.how]),
    [
      ['Art/new.png', 'theirs'],
      ['b.bin', 'theirs'],
      ['gone.txt', 'deleted'],
    ],
  );
  const snap = await readSnapshot(t.vault, 'HEAD');
  assert.is(snap.id, r.id);
  assert.equal(snap.parents, [ours, theirs]);
  assert.is(snap.message, 'merge feature into main');
  assert.is(await read(t, 'a.txt'), 'a1\n');
  assert.equal(Buffer.from((await t.fs.readFile('/work/b.bin')) as Buffer), Buffer.from(bin(3)));
  assert.is(await read(t, 'gone.txt'), null);
  assert.is(await read(t, 'same.txt'), 'y');
  assert.ok((await status({ vault: t.vault })).clean);
  assert.is(await readMergeState(t.vault), null);
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
});

test('fast-forward, --no-ff, --ff-only on diverged histories, already up to date', async () => {
  const t = await memVault({ 'a.txt': 'a', 'old.txt': 'o' });
  const base = (await commit({ vault: t.vault, message: 'base' })).id!;
  await switchBranch({ vault: t.vault, name: 'feature', create: true });
  await edit(t.fs, t.dir, { 'a.txt': 'b', 'old.txt': null, 'n/new.txt': 'n' });
  const ahead = (await commit({ vault: t.vault, message: 'ahead' })).id!;
  await switchBranch({ vault: t.vault, name: 'main' });
  assert.is(await read(t, 'old.txt'), 'o');
  const ff = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(ff.outcome, 'fast-forward');
  assert.is((await readSnapshot(t.vault, 'main')).id, ahead);
  assert.equal(await listTree(t.fs, t.dir), [
    'file a.txt 1 3e23e8160039594a',
    'dir  n',
    'file n/new.txt 1 1b16b1df538ba12d',
  ]);
  assert.is((await merge({ vault: t.vault, theirs: 'feature' })).outcome, 'up-to-date');
  assert.is((await merge({ vault: t.vault, theirs: base })).outcome, 'up-to-date');
  // --no-ff: a merge snapshot although main could simply move
  await switchBranch({ vault: t.vault, name: 'late', create: true, start: base });
  const noff = await merge({ vault: t.vault, theirs: 'feature', fastForward: 'never' });
  assert.is(noff.outcome, 'merged');
  assert.equal((await readSnapshot(t.vault, 'HEAD')).parents, [base, ahead]);
  // --ff-only refuses a real merge
  await edit(t.fs, t.dir, { 'late.txt': 'l' });
  await commit({ vault: t.vault, message: 'late' });
  await switchBranch({ vault: t.vault, name: 'side', create: true, start: base });
  await edit(t.fs, t.dir, { 'side.txt': 's' });
  await commit({ vault: t.vault, message: 'side' });
  assert.is(await codeOf(() => merge({ vault: t.vault, theirs: 'late', fastForward: 'only' })), 'EDIVERGED');
});

async function binaryConflict() {
  return diverged({ 'hero.psd': bin(1), 'x.txt': 'x' }, { 'hero.psd': bin(2) }, { 'hero.psd': bin(3), 'y.txt': 'y' });
}

const bytesOf = async (t: { fs: { readFile: (p: string) => Promise<unknown> } }, p: string) =>
  Buffer.from((await t.fs.readFile(`/work/${p}`)) as Buffer);

test('binary conflict: ours stays in place, theirs beside it as NAME~theirs.EXT; commit refused until resolved', async () => {
  const { t } = await binaryConflict();
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(r.outcome, 'conflicts');
  assert.is(r.id, null);
  assert.equal(
    r.conflicts.map((c) => [c.path, c.kind, c.theirsCopy, c.markers]),
    [['hero.psd', 'content', 'hero~theirs.psd', false]],
  );
  assert.equal(await bytesOf(t, 'hero.psd'), Buffer.from(bin(2)));
  assert.equal(await bytesOf(t, 'hero~theirs.psd'), Buffer.from(bin(3)));
  assert.is(await read(t, 'y.txt'), 'y');
  const err = await commitMerge({ vault: t.vault }).catch((e) => e);
  assert.is(err.code, 'ECONFLICT');
  assert.equal(err.data.paths, ['hero.psd']);
  assert.is(await codeOf(() => merge({ vault: t.vault, theirs: 'feature' })), 'EMERGING');
  assert.is(await codeOf(() => switchBranch({ vault: t.vault, name: 'feature' })), 'EMERGING');
  assert.is(await codeOf(() => resolve({ vault: t.vault, path: 'x.txt', side: 'ours' })), 'ENOPATH');
});

for (const side of ['ours', 'theirs', 'both'] as const) {
  test(`binary conflict resolved --${side}`, async () => {
    const { t, ours, theirs } = await binaryConflict();
    await merge({ vault: t.vault, theirs: 'feature' });
    const r = await resolve({ vault: t.vault, path: 'hero.psd', side });
    assert.is(r.conflict.resolved, side);
    assert.equal(r.notDone, []);
    const expected = { ours: bin(2), theirs: bin(3), both: bin(2) }[side];
    assert.equal(await bytesOf(t, 'hero.psd'), Buffer.from(expected));
    const copy = await t.fs.readFile('/work/hero~theirs.psd').then(Buffer.from, () => null);
    assert.equal(copy, side === 'both' ? Buffer.from(bin(3)) : null);
    const c = await commitMerge({ vault: t.vault });
    const snap = await readSnapshot(t.vault, 'HEAD');
    assert.equal(snap.parents, [ours, theirs]);
    assert.is(snap.id, c.id);
    assert.is(await readMergeState(t.vault), null);
    assert.ok((await status({ vault: t.vault })).clean);
    assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
  });
}

test('text conflict: git-style markers with the side names; edited and resolved as it is', async () => {
  const { t } = await diverged(
    { 'notes.md': text('one', 'two', 'three', 'four', 'five') },
    { 'notes.md': text('ONE', 'two', 'three', 'four', 'ours five') },
    { 'notes.md': text('one', 'two', 'three', 'four', 'their five') },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.equal(
    r.conflicts.map((c) => [c.path, c.markers, c.theirsCopy]),
    [['notes.md', true, null]],
  );
  assert.is(
    await read(t, 'notes.md'),
    text('ONE', 'two', 'three', 'four', '<<<<<<< main', 'ours five', '=======', 'their five', '>>>>>>> feature'),
  );
  const marked = await resolve({ vault: t.vault, path: 'notes.md' });
  assert.ok(marked.markersLeft);
  await edit(t.fs, t.dir, { 'notes.md': text('ONE', 'two', 'three', 'four', 'both fives') });
  const r2 = await resolve({ vault: t.vault, path: 'notes.md' });
  assert.is(r2.conflict.resolved, 'as-is');
  assert.not.ok(r2.markersLeft);
  await commitMerge({ vault: t.vault, message: 'fives' });
  assert.is((await readSnapshot(t.vault, 'HEAD')).message, 'fives');
  assert.is(await read(t, 'notes.md'), text('ONE', 'two', 'three', 'four', 'both fives'));
});

test('text changed in different places merges cleanly', async () => {
  const { t } = await diverged(
    { 'scene.tscn': text('a', 'b', 'c', 'd', 'e', 'f') },
    { 'scene.tscn': text('A', 'b', 'c', 'd', 'e', 'f') },
    { 'scene.tscn': text('a', 'b', 'c', 'd', 'e', 'F') },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(r.outcome, 'merged');
  assert.equal(
    r.merged.map((m) => [m.path, m.how]),
    [['scene.tscn', 'text']],
  );
  assert.is(await read(t, 'scene.tscn'), text('A', 'b', 'c', 'd', 'e', 'F'));
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
});

test('delete/modify both ways: the changed file stays; --ours / --theirs decide', async () => {
  const { t } = await diverged(
    { 'a.txt': 'a', 'b.txt': 'b' },
    { 'a.txt': null, 'b.txt': 'b ours' },
    { 'a.txt': 'a theirs', 'b.txt': null },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.equal(
    r.conflicts.map((c) => [c.path, c.kind, c.ours?.path ?? null, c.theirs?.path ?? null]),
    [
      ['a.txt', 'delete/modify', null, 'a.txt'],
      ['b.txt', 'delete/modify', 'b.txt', null],
    ],
  );
  assert.is(await read(t, 'a.txt'), 'a theirs');
  assert.is(await read(t, 'b.txt'), 'b ours');
  await resolve({ vault: t.vault, path: 'a.txt', side: 'ours' }); // ours deleted it
  await resolve({ vault: t.vault, path: 'b.txt', side: 'theirs' }); // theirs deleted it
  assert.is(await read(t, 'a.txt'), null);
  assert.is(await read(t, 'b.txt'), null);
  await commitMerge({ vault: t.vault });
  assert.equal(await listTree(t.fs, t.dir), []);
});

test('--abort puts the folder back byte for byte (copies, markers, deletions, a --both copy removed)', async () => {
  const { t } = await diverged(
    { 'hero.psd': bin(1), 'notes.md': text('x'), 'del.txt': 'd', 'keep.txt': 'k', sub: { 'z.bin': bin(7) } },
    { 'hero.psd': bin(2), 'notes.md': text('ours') },
    { 'hero.psd': bin(3), 'notes.md': text('theirs'), 'del.txt': null, 'new/deep/n.txt': 'n', 'sub/z.bin': bin(8) },
  );
  const before = await listTree(t.fs, t.dir);
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(r.conflicts.length, 2);
  assert.is(await read(t, 'del.txt'), null);
  await resolve({ vault: t.vault, path: 'notes.md', side: 'both' });
  assert.is(await read(t, 'notes~theirs.md'), text('theirs'));
  // edits to what the merge wrote are discarded (as git's --abort does); a file made meanwhile stays
  await edit(t.fs, t.dir, { 'hero.psd': 'painted over during the merge', 'mine.txt': 'new' });
  const a = await abortMerge({ vault: t.vault });
  assert.equal(a.notDone, []);
  assert.is(await read(t, 'mine.txt'), 'new');
  await edit(t.fs, t.dir, { 'mine.txt': null });
  assert.equal(await listTree(t.fs, t.dir), before);
  assert.is(await readMergeState(t.vault), null);
  assert.ok((await status({ vault: t.vault })).clean);
  assert.is(await codeOf(() => abortMerge({ vault: t.vault })), 'ENOMERGE');
  assert.is(await codeOf(() => resolve({ vault: t.vault, path: 'hero.psd', side: 'ours' })), 'ENOMERGE');
});

test('a dirty folder is refused up front (EDIRTY), and so is an ignored file in the way', async () => {
  const { t } = await diverged({ 'a.txt': 'a' }, { 'a.txt': 'b', '.vaultignore': 'scratch/\n' }, { 'scratch/x': 'x' });
  await edit(t.fs, t.dir, { 'a.txt': 'uncommitted' });
  const err = await merge({ vault: t.vault, theirs: 'feature' }).catch((e) => e);
  assert.is(err.code, 'EDIRTY');
  assert.equal(err.data.paths, ['a.txt']);
  assert.is(await read(t, 'a.txt'), 'uncommitted');
  assert.is(await readMergeState(t.vault), null);
  // scratch/ is ignored here, so status is clean; their scratch/x would overwrite it
  await edit(t.fs, t.dir, { 'a.txt': 'b', 'scratch/x': 'mine, ignored' });
  assert.ok((await status({ vault: t.vault })).clean);
  const err2 = await merge({ vault: t.vault, theirs: 'feature' }).catch((e) => e);
  assert.is(err2.code, 'EDIRTY');
  assert.equal(err2.data.paths, ['scratch/x']);
  assert.is(await read(t, 'scratch/x'), 'mine, ignored');
  assert.is(await readMergeState(t.vault), null);
});

test('renames follow the content; rename/delete and rename/rename are conflicts', async () => {
  const { t } = await diverged(
    { 'old.txt': 'long enough content 1', 'r2.txt': 'long enough content 2', 'r3.txt': 'long enough content 3' },
    {
      'old.txt': null,
      'new.txt': 'long enough content 1',
      'r2.txt': null,
      'r2-ours.txt': 'long enough content 2',
      'r3.txt': null,
      'r3b.txt': 'long enough content 3',
    },
    { 'old.txt': 'changed by them', 'r2.txt': null, 'r2-theirs.txt': 'long enough content 2', 'r3.txt': null },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.is(await read(t, 'new.txt'), 'changed by them');
  assert.is(await read(t, 'old.txt'), null);
  assert.ok(r.notes.some((n) => n.includes('old.txt') && n.includes('new.txt')));
  assert.equal(
    r.conflicts.map((c) => [c.path, c.kind, c.theirsCopy]),
    [
      ['r2-ours.txt', 'rename/rename', 'r2-theirs.txt'],
      ['r3b.txt', 'rename/delete', null],
    ],
  );
  assert.is(await read(t, 'r2-theirs.txt'), 'long enough content 2');
  await resolve({ vault: t.vault, path: 'r2-ours.txt', side: 'theirs' });
  assert.is(await read(t, 'r2-ours.txt'), null);
  assert.is(await read(t, 'r2-theirs.txt'), 'long enough content 2');
  await resolve({ vault: t.vault, path: 'r3b.txt', side: 'theirs' });
  assert.is(await read(t, 'r3b.txt'), null);
  await commitMerge({ vault: t.vault });
});

test('file/folder: the folder stays, the file goes beside it; resolving for the file removes the folder', async () => {
  const { t } = await diverged({ 'k.txt': 'k' }, { art: 'a file' }, { 'art/a.png': bin(1), 'art/b/c.png': bin(2) });
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.equal(
    r.conflicts.map((c) => [c.path, c.kind, c.oursCopy]),
    [['art', 'file/folder', 'art~ours']],
  );
  assert.is(await read(t, 'art~ours'), 'a file');
  assert.ok((await t.fs.stat('/work/art/b/c.png')).isFile());
  await resolve({ vault: t.vault, path: 'art', side: 'ours' });
  assert.is(await read(t, 'art'), 'a file');
  assert.is(await read(t, 'art~ours'), null);
  await commitMerge({ vault: t.vault });
  assert.equal(
    (await listTree(t.fs, t.dir)).map((l) => l.split(' ')[1]),
    ['art', 'k.txt'],
  );
});

test('--abort of a file/folder conflict puts the file back where the folder was', async () => {
  const { t } = await diverged({ 'k.txt': 'k' }, { art: 'a file' }, { 'art/a.png': bin(1), 'art/b/c.png': bin(2) });
  const before = await listTree(t.fs, t.dir);
  await merge({ vault: t.vault, theirs: 'feature' });
  assert.equal((await abortMerge({ vault: t.vault })).notDone, []);
  assert.equal(await listTree(t.fs, t.dir), before);
});

test('a copy name that is taken gets -2; add/add of different files is a conflict', async () => {
  const { t } = await diverged(
    { 'hero~theirs.psd': 'someone named a file like this', 'hero.psd': bin(1) },
    { 'hero.psd': bin(2), 'added.bin': bin(5) },
    { 'hero.psd': bin(3), 'added.bin': bin(6) },
  );
  const r = await merge({ vault: t.vault, theirs: 'feature' });
  assert.equal(
    r.conflicts.map((c) => [c.path, c.kind, c.theirsCopy]),
    [
      ['added.bin', 'add/add', 'added~theirs.bin'],
      ['hero.psd', 'content', 'hero~theirs-2.psd'],
    ],
  );
  assert.is(await read(t, 'hero~theirs.psd'), 'someone named a file like this');
});

test('criss-cross history: two merge bases merged into a virtual base; no spurious conflict', async () => {
  // base -> a1 (main), b1 (feature); each merges the other; then each changes a different file
  const {
    t,
    ours: a1,
    theirs: b1,
  } = await diverged({ 'x.txt': 'x0', 'y.txt': 'y0', 'z.txt': 'z0' }, { 'x.txt': 'x1' }, { 'y.txt': 'y1' });
  const { vault } = t;
  const m1 = await merge({ vault, theirs: b1, fastForward: 'never' });
  assert.is(m1.outcome, 'merged');
  await switchBranch({ vault, name: 'feature' });
  const m2 = await merge({ vault, theirs: a1, fastForward: 'never' });
  assert.is(m2.outcome, 'merged');
  await edit(t.fs, t.dir, { 'z.txt': 'z-feature' });
  await commit({ vault, message: 'z on feature' });
  await switchBranch({ vault, name: 'main' });
  await edit(t.fs, t.dir, { 'x.txt': 'x2' });
  await commit({ vault, message: 'x again on main' });
  const r = await merge({ vault, theirs: 'feature' });
  assert.equal([...r.bases].sort(), [a1, b1].sort());
  assert.ok(r.notes.some((n) => n.startsWith('criss-cross history: 2 merge bases')));
  assert.is(r.outcome, 'merged');
  assert.equal(r.conflicts, []);
  assert.equal([await read(t, 'x.txt'), await read(t, 'y.txt'), await read(t, 'z.txt')], ['x2', 'y1', 'z-feature']);
});

test('unrelated histories: EUNRELATED, or merged from an empty base when allowed', async () => {
  const { t } = await diverged({ 'a.txt': 'a' }, { 'a.txt': 'b' }, {});
  const { vault } = t;
  // an orphan: a snapshot with no parent (what `vault commit-tree` without -p makes)
  const writer = vault.db.writer();
  const blob = await writer.put('blob', Buffer.from('orphan'), { compress: true });
  const tree = await writeTrees([{ path: 'o.txt', kind: 'file', size: 6, mtime: 0, obj: 'blob', id: blob }], writer);
  const body = encodeSnapshot({ tree, parents: [], author: 'x', time: 1, message: 'orphan', meta: {} });
  const orphan = await writer.put('snapshot', body, { compress: true });
  await writer.flush();
  assert.is(await codeOf(() => merge({ vault, theirs: orphan })), 'EUNRELATED');
  const r = await merge({ vault, theirs: orphan, allowUnrelated: true });
  assert.is(r.outcome, 'merged');
  assert.is(await read(t, 'o.txt'), 'orphan');
  assert.is(await read(t, 'a.txt'), 'b');
});

function fakeMerger(log: string[], mode: 'merge' | 'conflict' | 'throw'): FileMerger {
  return {
    handles: (path) => path.endsWith('.psd'),
    merge: async ({ path, base, ours, theirs }) => {
      log.push(`${path} ${base?.length} ${ours.length} ${theirs.length}`);
      if (mode === 'throw') throw new Error('layer table damaged');
      if (mode === 'conflict') return { data: null, report: ['layer Hero changed on both sides'] };
      return { data: Buffer.concat([ours.subarray(0, 10), theirs.subarray(10)]), report: ['layer Sky from theirs'] };
    },
  };
}

test('a file merger hook merges what it handles, element by element; its conflicts and failures are reported', async () => {
  for (const mode of ['merge', 'conflict', 'throw'] as const) {
    const { t } = await diverged(
      { 'p.psd': bin(1), 'q.bin': bin(4) },
      { 'p.psd': bin(2), 'q.bin': bin(5) },
      { 'p.psd': bin(3), 'q.bin': bin(6) },
    );
    const calls: string[] = [];
    const r = await merge({ vault: t.vault, theirs: 'feature', mergeFile: fakeMerger(calls, mode) });
    assert.equal(calls, ['p.psd 3000 3000 3000'], mode); // q.bin is not the hook's business
    const psd = r.conflicts.find((c) => c.path === 'p.psd');
    if (mode === 'merge') {
      assert.equal(r.merged, [{ path: 'p.psd', how: 'file-merger', report: ['layer Sky from theirs'] }]);
      assert.not.ok(psd);
      assert.equal(
        await bytesOf(t, 'p.psd'),
        Buffer.concat([Buffer.from(bin(2)).subarray(0, 10), Buffer.from(bin(3)).subarray(10)]),
      );
    } else {
      assert.ok(psd, mode);
      assert.is(psd!.theirsCopy, 'p~theirs.psd');
      assert.equal(psd!.report, [
        mode === 'conflict' ? 'layer Hero changed on both sides' : 'the file merger failed: layer table damaged',
      ]);
    }
    assert.ok(r.conflicts.some((c) => c.path === 'q.bin'));
  }
});

test('the merge snapshot gets the attachments commit makes (for the files theirs brought)', async () => {
  const seen: string[][] = [];
  const names: CommitAttachment = {
    name: 'names',
    run: async (ctx) => {
      seen.push([...ctx.changes.added, ...ctx.changes.modified].map((c) => c.path));
      return [await ctx.putBytes('list.txt', Buffer.from([...ctx.entries.keys()].sort().join('\n')))];
    },
  };
  const { t } = await diverged({ 'a.txt': 'a' }, { 'a.txt': 'b' }, { 'c.png': bin(9) });
  const r = await merge({ vault: t.vault, theirs: 'feature', attachments: [names] });
  assert.is(r.outcome, 'merged');
  assert.equal(seen, [['c.png']]);
  const snap = await readSnapshot(t.vault, 'HEAD');
  const files = await readAttachment(t.vault, snap.attachments, 'names');
  assert.equal([...files.keys()], ['list.txt']);
});

test('prune keeps what a merge in progress needs, even when its branch is deleted', async () => {
  const { t } = await binaryConflict();
  await merge({ vault: t.vault, theirs: 'feature' });
  await deleteBranch({ vault: t.vault, name: 'feature', force: true });
  await prune({ vault: t.vault, protectMs: 0 });
  await resolve({ vault: t.vault, path: 'hero.psd', side: 'theirs' });
  assert.equal(await bytesOf(t, 'hero.psd'), Buffer.from(bin(3)));
  await commitMerge({ vault: t.vault });
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
});

test.run();
