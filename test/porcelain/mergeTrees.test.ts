// The pure parts of a merge: the tree merge table, diff3 text merge with markers, merge bases.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FlatEntry } from '../../src/plumbing/trees.js';
import { mergeTrees } from '../../src/porcelain/merge/mergeTrees.js';
import { hasConflictMarkers, mergeText, splitLines } from '../../src/porcelain/merge/mergeText.js';
import { copyName } from '../../src/porcelain/merge/layout.js';
import { aheadBehind } from '../../src/porcelain/sync/upstream.js';
import { SnapshotReader, isAncestor, mergeBases } from '../../src/porcelain/merge/mergeBase.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { memVault } from '../helpers/vault.js';

const test = suite('porcelain/mergeTrees');

/** A listing from `path: content-id` (ids are short fake ones: only equality matters); `x:` marks exec. */
function L(spec: Record<string, string>): Map<string, FlatEntry> {
  const m = new Map<string, FlatEntry>();
  for (const [path, v] of Object.entries(spec)) {
    if (v === 'dir') m.set(path, { path, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: 't' });
    else {
      const exec = v.startsWith('x:');
      const id = exec ? v.slice(2) : v;
      m.set(path, { path, kind: exec ? 'exec' : 'file', size: id.length, mtime: 0, obj: 'blob', id });
    }
  }
  return m;
}

function run(base: Record<string, string>, ours: Record<string, string>, theirs: Record<string, string>) {
  const r = mergeTrees({ base: L(base), ours: L(ours), theirs: L(theirs) });
  return {
    entries: Object.fromEntries([...r.entries].map(([p, e]) => [p, e.kind === 'exec' ? `x:${e.id}` : e.id])),
    contents: r.contents.map((c) => c.path),
    conflicts: r.conflicts.map((c) => `${c.kind} ${c.path}`),
    notes: r.notes,
  };
}

const cases: [
  string,
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
  ReturnType<typeof run>,
][] = [
  [
    'changed on one side takes that side',
    { a: 'A', b: 'B' },
    { a: 'A2', b: 'B' },
    { a: 'A', b: 'B3' },
    { entries: { a: 'A2', b: 'B3' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'the same change on both sides is fine',
    { a: 'A' },
    { a: 'A2' },
    { a: 'A2' },
    { entries: { a: 'A2' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'deleted on one side, unchanged on the other: deleted',
    { a: 'A', b: 'B' },
    { a: 'A' },
    { a: 'A', b: 'B' },
    { entries: { a: 'A' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'deleted on both sides',
    { a: 'A', b: 'B' },
    { a: 'A' },
    { a: 'A' },
    { entries: { a: 'A' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'different changes: a content merge',
    { a: 'A' },
    { a: 'A2' },
    { a: 'A3' },
    { entries: {}, contents: ['a'], conflicts: [], notes: [] },
  ],
  [
    'added on both sides, different: a content merge (no base)',
    {},
    { n: 'N1' },
    { n: 'N2' },
    { entries: {}, contents: ['n'], conflicts: [], notes: [] },
  ],
  [
    'added on both sides, same: fine',
    {},
    { n: 'N' },
    { n: 'N' },
    { entries: { n: 'N' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'delete vs modify: conflict',
    { a: 'A' },
    {},
    { a: 'A3' },
    { entries: {}, contents: [], conflicts: ['delete/modify a'], notes: [] },
  ],
  [
    'modify vs delete: conflict',
    { a: 'A' },
    { a: 'A2' },
    {},
    { entries: {}, contents: [], conflicts: ['delete/modify a'], notes: [] },
  ],
  [
    'exec bit on one side, content on the other: both kept',
    { a: 'AAAA' },
    { a: 'x:AAAA' },
    { a: 'BBBB' },
    { entries: { a: 'x:BBBB' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'a rename on one side and a change on the other: the change follows the file',
    { 'old.png': 'PNG1', k: 'K' },
    { 'new.png': 'PNG1', k: 'K' },
    { 'old.png': 'PNG2', k: 'K' },
    {
      entries: { 'new.png': 'PNG2', k: 'K' },
      contents: [],
      conflicts: [],
      notes: ['their change to old.png followed the rename to new.png'],
    },
  ],
  [
    'renamed on both sides the same way',
    { a: 'AAA' },
    { b: 'AAA' },
    { b: 'AAA' },
    { entries: { b: 'AAA' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'renamed differently on each side: conflict',
    { a: 'AAA' },
    { b: 'AAA' },
    { c: 'AAA' },
    { entries: {}, contents: [], conflicts: ['rename/rename b'], notes: [] },
  ],
  [
    'renamed on one side, deleted on the other: conflict',
    { a: 'AAA' },
    { b: 'AAA' },
    {},
    { entries: {}, contents: [], conflicts: ['rename/delete b'], notes: [] },
  ],
  [
    'renamed onto a path the other side added: add/add',
    { a: 'AAA' },
    { b: 'AAA' },
    { a: 'AAA', b: 'BBB' },
    { entries: {}, contents: [], conflicts: ['add/add b'], notes: [] },
  ],
  [
    'file vs folder: conflict, the folder stays',
    { k: 'K' },
    { k: 'K', art: 'F' },
    { k: 'K', 'art/a': 'A', art: undefined as never },
    { entries: { k: 'K', 'art/a': 'A' }, contents: [], conflicts: ['file/folder art'], notes: [] },
  ],
  [
    'empty files are never renames',
    { a: '', k: 'K' },
    { b: '', k: 'K' },
    { a: '', k: 'K2' },
    { entries: { b: '', k: 'K2' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'an empty folder deleted on one side, kept on the other: deleted',
    { e: 'dir', k: 'K' },
    { k: 'K' },
    { e: 'dir', k: 'K' },
    { entries: { k: 'K' }, contents: [], conflicts: [], notes: [] },
  ],
  [
    'an empty folder added on one side stays',
    { k: 'K' },
    { k: 'K', e: 'dir' },
    { k: 'K' },
    { entries: { k: 'K', e: 't' }, contents: [], conflicts: [], notes: [] },
  ],
];

for (const [name, base, ours, theirs, want] of cases) {
  test(name, () => {
    const clean = (o: Record<string, string>) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    assert.equal(run(clean(base), clean(ours), clean(theirs)), want);
  });
}

const L3 = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const labels = { ours: 'main', theirs: 'feature' };

test('text: different regions merge; the same region changed differently gets markers', () => {
  const base = L3('a', 'b', 'c', 'd', 'e');
  assert.equal(mergeText(base, L3('A', 'b', 'c', 'd', 'e'), L3('a', 'b', 'c', 'd', 'E'), labels), {
    text: L3('A', 'b', 'c', 'd', 'E'),
    conflicts: 0,
  });
  const r = mergeText(base, L3('a', 'B1', 'c', 'd', 'e'), L3('a', 'B2', 'B3', 'c', 'd', 'e'), labels);
  assert.is(r.conflicts, 1);
  assert.is(r.text, L3('a', '<<<<<<< main', 'B1', '=======', 'B2', 'B3', '>>>>>>> feature', 'c', 'd', 'e'));
  assert.ok(hasConflictMarkers(r.text));
  assert.not.ok(hasConflictMarkers(L3('a', '<<<<<<<< not a marker', '== nor this')));
  // the same change on both sides is taken once
  assert.equal(mergeText(base, L3('a', 'X', 'c', 'd', 'e'), L3('a', 'X', 'c', 'd', 'e'), labels).conflicts, 0);
});

test('text: a last line without a newline and CRLF files keep their line endings', () => {
  const r = mergeText('a\nb', 'a\nours', 'a\ntheirs', labels);
  assert.is(r.text, 'a\n<<<<<<< main\nours\n=======\ntheirs\n>>>>>>> feature\n');
  const crlf = mergeText('a\r\nb\r\nc\r\n', 'A\r\nb\r\nc\r\n', 'a\r\nb\r\nC\r\n', labels);
  assert.equal(crlf, { text: 'A\r\nb\r\nC\r\n', conflicts: 0 });
  assert.equal(splitLines('x\ny'), ['x\n', 'y']);
  assert.equal(splitLines(''), []);
});

test('copy names: NAME~side.EXT, -N when taken, dotfiles and names without extension', () => {
  assert.is(copyName('Art/hero.psd', 'theirs'), 'Art/hero~theirs.psd');
  assert.is(copyName('Art/hero.psd', 'theirs', 3), 'Art/hero~theirs-3.psd');
  assert.is(copyName('README', 'ours'), 'README~ours');
  assert.is(copyName('.gitignore', 'theirs'), '.gitignore~theirs');
  assert.is(copyName('a.b/scene.tar.gz', 'theirs'), 'a.b/scene.tar~theirs.gz');
});

/** Snapshots with given parents (and times), stored; returns their ids by name. */
async function graph(spec: [string, string[], number][]) {
  const t = await memVault({});
  const ids: Record<string, string> = {};
  for (const [name, parents, time] of spec) {
    const body = encodeSnapshot({
      tree: '0'.repeat(64),
      parents: parents.map((p) => ids[p]!),
      author: 'x',
      time,
      message: name,
      meta: {},
    });
    ids[name] = await t.vault.db.writeLoose('snapshot', body);
  }
  return { reader: new SnapshotReader(t.vault.db), ids };
}

test('merge bases: linear, diverged, criss-cross (two bases), unrelated, skewed clocks', async () => {
  const { reader, ids } = await graph([
    ['o', [], 10],
    ['a1', ['o'], 20],
    ['b1', ['o'], 21],
    ['a2', ['a1', 'b1'], 30],
    ['b2', ['b1', 'a1'], 31],
    ['a3', ['a2'], 40],
    ['b3', ['b2'], 5], // a clock set back
    ['x', [], 50],
    ['c', ['o'], 60],
  ]);
  const bases = async (a: string, b: string) =>
    (await mergeBases(reader, ids[a]!, ids[b]!)).map((id) => Object.keys(ids).find((k) => ids[k] === id)).sort();
  assert.equal(await bases('a1', 'a3'), ['a1']);
  assert.equal(await bases('a1', 'b1'), ['o']);
  assert.equal(await bases('a3', 'b3'), ['a1', 'b1']);
  assert.equal(await bases('x', 'a3'), []);
  assert.equal(await bases('c', 'b3'), ['o']);
  assert.equal(await bases('a2', 'a2'), ['a2']);
  assert.ok(await isAncestor(reader, ids.o!, ids.b3!));
  assert.not.ok(await isAncestor(reader, ids.b3!, ids.o!));
});

test("ahead/behind counts (status against a remote's branch): linear, after a merge, criss-cross, unrelated", async () => {
  const { reader, ids } = await graph([
    ['o', [], 10],
    ['a1', ['o'], 20],
    ['b1', ['o'], 21],
    ['a2', ['a1', 'b1'], 30],
    ['b2', ['b1', 'a1'], 31],
    ['a3', ['a2'], 40],
    ['m', ['a3', 'b2'], 45],
    ['x', [], 50],
    ['x2', ['x'], 51],
  ]);
  const count = async (a: string | null, b: string | null) => {
    const r = await aheadBehind(reader, a ? ids[a]! : null, b ? ids[b]! : null);
    return [r.ahead, r.behind];
  };
  assert.equal(await count('a3', 'a3'), [0, 0]);
  assert.equal(await count('a3', 'a1'), [3, 0]); // a3, a2 and b1, which a2 merged
  assert.equal(await count('a1', 'a3'), [0, 3]);
  assert.equal(await count('a1', 'a2'), [0, 2]);
  assert.equal(await count('a1', 'b1'), [1, 1]);
  assert.equal(await count('a2', 'b2'), [1, 1]); // criss-cross: each merge is the only one on its side
  assert.equal(await count('m', 'b2'), [3, 0]); // m, a3, a2: b1 and a1 are the remote's too
  assert.equal(await count('a3', 'b2'), [2, 1]);
  assert.equal(await count('x2', 'a1'), [2, 2]); // unrelated: everything on each side
  assert.equal(await count('a2', null), [4, 0]); // the remote never had the branch
});

test.run();
