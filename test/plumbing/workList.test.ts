// The scan's columns (WorkList), the walk order the stat cache is kept in, and the streaming tree build:
// the trees written from a work list are the ones writeTrees makes from the same entries, and a stat cache
// written in any order is read back in walk order, where a forward pass finds every entry.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import type { EntryKind } from '../../src/objects/types.js';
import { StatCache } from '../../src/plumbing/statCache.js';
import { writeTrees } from '../../src/plumbing/trees.js';
import { compareWalkOrder } from '../../src/plumbing/walkOrder.js';
import { WorkList } from '../../src/plumbing/workList.js';
import { writeListTrees } from '../../src/plumbing/writeListTrees.js';
import { digestOf } from '../../src/plumbing/workListDigest.js';
import { memFs } from '../helpers/memfs.js';
import { mulberry32 } from '../helpers/prng.js';

const test = suite('plumbing/workList');

const NAMES = ['a', 'a.b', 'a-b', 'ab', 'b', 'B', 'é', 'z', 'Ω', '😀', 'a b', '_', '0'];

/** A random folder tree listed as scanWorktree lists it: depth first, names sorted by UTF-16 code units. */
function randomList(seed: number): WorkList {
  const next = mulberry32(seed);
  const rnd = () => next() / 2 ** 32;
  const list = new WorkList(4);
  let n = 0;
  const fill = (parent: number, depth: number): void => {
    const names = NAMES.filter(() => rnd() < (depth ? 0.4 : 0.8)).sort(compareWalkOrder);
    for (const name of names) {
      n++;
      const kinds: EntryKind[] = depth < 3 ? ['file', 'exec', 'symlink', 'dir', 'dir'] : ['file', 'exec', 'symlink'];
      const kind = kinds[Math.floor(rnd() * kinds.length)]!;
      const st = { size: Math.floor(rnd() * 1e6), mtimeMs: 1.6e12 + rnd() * 1e9, ino: n, mode: 0o100644 };
      const row = list.add(parent, name, kind, st);
      if (kind === 'dir') fill(row, depth + 1);
      else
        list.setId(
          row,
          kind !== 'symlink' && rnd() < 0.2 ? 'chunklist' : 'blob',
          hashObject('blob', Buffer.from(`${seed}/${n}`)),
        );
    }
  };
  fill(-1, 0);
  assert.ok(list.length > 10, 'a tree worth testing');
  return list;
}

test('paths come out in walk order, and compareWalkOrder agrees with the scan', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const list = randomList(seed);
    for (let i = 1; i < list.length; i++) {
      const a = list.path(i - 1);
      const b = list.path(i);
      assert.ok(compareWalkOrder(a, b) < 0, `${JSON.stringify(a)} before ${JSON.stringify(b)}`);
      assert.ok(compareWalkOrder(b, a) > 0);
    }
  }
  assert.ok(compareWalkOrder('a/x', 'a.b') < 0, "a folder's content before a longer sibling name");
  assert.ok(compareWalkOrder('a', 'a/x') < 0, 'a folder before what it holds');
  assert.is(compareWalkOrder('x', 'x'), 0);
});

test('trees from a work list are the trees writeTrees makes (golden: same root ids)', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const list = randomList(seed);
    const file = [...Array(list.length).keys()].find((i) => i > 2 && !list.isDir(i));
    if (file !== undefined) list.setGone(file); // a file skipped while read is left out of both
    const entries = [];
    for (let i = 0; i < list.length; i++) {
      if (list.gone(i)) continue;
      const path = list.path(i);
      if (list.isDir(i)) entries.push({ path, kind: 'dir' as const, size: 0, mtime: 0 });
      else
        entries.push({
          path,
          kind: list.kind(i),
          size: list.treeSize(i),
          mtime: Math.trunc(list.mtimeMs(i)),
          obj: list.obj(i),
          id: list.id(i),
        });
    }
    assert.is(await writeListTrees(list, null), await writeTrees(entries, null), `seed ${seed}`);
  }
});

test('a cache saved out of walk order is read back in walk order; one forward pass finds every entry', async () => {
  const { fs } = memFs({ '/v/.keep': '' });
  const list = randomList(7);
  const c = new StatCache();
  const rows: number[] = [];
  for (let i = 0; i < list.length; i++) if (list.hasId(i)) rows.push(i);
  // inserted in reverse: an older Vault wrote entries in the order they were set
  for (const i of [...rows].reverse())
    c.set(list.path(i), { ...list.stat(i), obj: list.obj(i) as 'blob' | 'chunklist', id: list.id(i) });
  await c.save(fs, '/v/index');
  const back = await StatCache.load(fs, '/v/index');
  assert.is(back.dropped, null);
  assert.is(back.size, rows.length);
  const paths = [...back.entries.keys()];
  assert.equal(paths, [...paths].sort(compareWalkOrder), 'walk order');
  const cursor = back.cursor();
  for (const i of rows) {
    const rec = await cursor.find(list.path(i));
    assert.ok(rec >= 0, list.path(i));
    assert.is(cursor.idAt(rec), list.id(i));
  }
  // replaced by the list: saved in walk order from the columns, and read back the same
  back.replaceWith(list, true);
  await back.save(fs, '/v/index');
  const again = await StatCache.load(fs, '/v/index');
  assert.equal([...again.entries], [...back.entries]);
  assert.is(again.get(list.path(rows[0]!))?.id, list.id(rows[0]!));
});

test('a cache of several MiB is written a piece at a time and read back whole (each piece reuses the last)', async () => {
  const { fs } = memFs({ '/v/.keep': '' });
  const list = new WorkList(4);
  const ids: string[] = [];
  // over 2 MiB of records (~73 bytes each): the writer drains its 1 MiB buffer at least twice, then the rest
  for (let d = 0; d < 30; d++) {
    const dir = list.add(-1, `folder ${String(d).padStart(3, '0')}`, 'dir', {
      size: 0,
      mtimeMs: 0,
      ino: d,
      mode: 0o40755,
    });
    for (let f = 0; f < 1000; f++) {
      const n = d * 1000 + f;
      const st = { size: n, mtimeMs: 1.6e12 + n, ino: 100 + n, mode: 0o100644 };
      const row = list.add(dir, `${'a long file name '.repeat(3)}${String(f).padStart(4, '0')}.txt`, 'file', st);
      ids.push(hashObject('blob', Buffer.from(`file ${n}`)));
      list.setId(row, 'blob', ids[n]!);
    }
  }
  const c = new StatCache();
  c.replaceWith(list, true);
  await c.save(fs, '/v/index');
  assert.ok(((await fs.stat('/v/index')) as { size: number }).size > 2 * 1024 * 1024, 'three pieces or more');
  const back = await StatCache.load(fs, '/v/index');
  assert.is(back.dropped, null, 'checksum and records intact');
  assert.is(back.size, 30_000);
  const cursor = back.cursor();
  for (let i = 0, n = 0; i < list.length; i++) {
    if (list.isDir(i)) continue;
    const rec = await cursor.find(list.path(i));
    assert.ok(rec >= 0, list.path(i));
    assert.is(cursor.idAt(rec), ids[n++]);
  }
});

test('the digest is equal for equal trees and changes with anything a tree holds', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const list = randomList(seed);
    const d = digestOf(list);
    assert.is(digestOf(randomList(seed)), d, `seed ${seed}: the same tree listed again`);
    assert.is.not(digestOf(randomList(seed + 100)), d, 'another tree');
    const file = [...Array(list.length).keys()].find((i) => i > 2 && !list.isDir(i));
    if (file === undefined) continue;
    // what a tree does not hold: the inode, the mode bits beyond the kind, the fraction of a millisecond
    const st = list.stat(file);
    list.setStat(file, { ...st, ino: st.ino + 7, mode: st.mode ^ 0o020, mtimeMs: Math.trunc(st.mtimeMs) + 0.25 });
    assert.is(digestOf(list), d, `seed ${seed}: stat data no tree holds`);
    const changed = (what: string, edit: (l: WorkList) => void) => {
      const l = randomList(seed);
      edit(l);
      assert.is.not(digestOf(l), d, `seed ${seed}: ${what}`);
    };
    changed('size', (l) => l.setStat(file, { ...l.stat(file), size: l.size(file) + 1 }));
    changed('mtime', (l) => l.setStat(file, { ...l.stat(file), mtimeMs: l.mtimeMs(file) + 1 }));
    changed('tree size', (l) => l.setTreeSize(file, l.size(file) + 3));
    changed('kind', (l) => l.setKind(file, l.kind(file) === 'exec' ? 'file' : 'exec'));
    changed('object kind', (l) => l.setId(file, l.obj(file) === 'blob' ? 'chunklist' : 'blob', l.idBytes(file)));
    changed('id', (l) => l.setId(file, l.obj(file), hashObject('blob', Buffer.from('other'))));
    changed('a file left out', (l) => l.setGone(file));
  }
  // a name or a folder differs: the same rows otherwise
  const two = (names: string[], parents: number[]) => {
    const l = new WorkList();
    names.forEach((name, i) => {
      const row = l.add(parents[i]!, name, name.startsWith('d') ? 'dir' : 'file', {
        size: 1,
        mtimeMs: 2,
        ino: i,
        mode: 0o100644,
      });
      if (!name.startsWith('d')) l.setId(row, 'blob', hashObject('blob', Buffer.from('x')));
    });
    return digestOf(l);
  };
  const base = two(['d', 'a', 'b'], [-1, 0, 0]);
  assert.is(two(['d', 'a', 'b'], [-1, 0, 0]), base);
  assert.is.not(two(['d', 'a', 'c'], [-1, 0, 0]), base, 'a name');
  assert.is.not(two(['d', 'ab', ''], [-1, 0, 0]), base, 'where one name ends');
  assert.is.not(two(['d', 'a', 'b'], [-1, 0, -1]), base, 'which folder holds a file');
});

test('trim lets go of unused room and keeps every row; rows added after it grow the columns again', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const list = randomList(seed);
    const rows = (l: WorkList) =>
      Array.from({ length: l.length }, (_, i) => [l.path(i), l.kind(i), l.stat(i), l.hasId(i) && l.id(i)]);
    const before = rows(list);
    const digest = digestOf(list);
    list.trim();
    assert.equal(rows(list), before, `seed ${seed}`);
    assert.is(digestOf(list), digest);
    const r = list.add(-1, 'zz-after-trim', 'file', { size: 1, mtimeMs: 2, ino: 3, mode: 0o100644 });
    assert.is(list.path(r), 'zz-after-trim');
    assert.equal(rows(list).slice(0, before.length), before);
  }
});

test.run();
