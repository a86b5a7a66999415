// A stat cache opened for one scan (StatCache.open, what commit, status and diff use): past one piece it is
// checked a piece at a time and read again, a window at a time, as the scan's cursor goes, never held whole.
// The cursor must find what a cache loaded whole finds, and a cache that is not what Vault writes (records out
// of order, fewer than counted, a path longer than a piece) must cost re-reading files, never a wrong id.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { hashObject } from '../../src/objects/hashObject.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { StatCache } from '../../src/plumbing/statCache.js';
import { WorkList } from '../../src/plumbing/workList.js';
import { commit } from '../../src/porcelain/commit.js';
import { readHead } from '../../src/refs/refs.js';
import { status } from '../../src/porcelain/status.js';
import { around, memFs, onOpen } from '../helpers/memfs.js';
import { codeOf, memVault } from '../helpers/vault.js';

const test = suite('plumbing/statCacheOpen');

const PAST = Date.UTC(2020, 0, 1);
const MIN_PIECE = 137; // magic + the longest header

test.after.each(() => {
  StatCache.piece = 1024 * 1024;
});

/** `folders` x `files` entries with long names (~73 bytes a record), and their ids in walk order. */
function bigList(folders: number, files: number): { list: WorkList; ids: string[] } {
  const list = new WorkList(4);
  const ids: string[] = [];
  for (let d = 0; d < folders; d++) {
    const dir = list.add(-1, `folder ${String(d).padStart(3, '0')}`, 'dir', {
      size: 0,
      mtimeMs: 0,
      ino: d,
      mode: 0o40755,
    });
    for (let f = 0; f < files; f++) {
      const n = d * files + f;
      const st = { size: n, mtimeMs: 1.6e12 + n, ino: 100 + n, mode: 0o100644 };
      const row = list.add(dir, `${'a long file name '.repeat(3)}${String(f).padStart(4, '0')}.txt`, 'file', st);
      ids.push(hashObject('blob', Buffer.from(`file ${n}`)));
      list.setId(row, f % 7 ? 'blob' : 'chunklist', ids[n]!);
    }
  }
  return { list, ids };
}

async function saved(list: WorkList): Promise<FsPromises> {
  const { fs } = memFs({ '/v/.keep': '' });
  const c = new StatCache();
  c.replaceWith(list, true);
  c.setTree('ab'.repeat(32), 'cd'.repeat(32));
  await c.save(fs, '/v/index');
  return fs;
}

/** Count open file handles (open minus close) on `fs`. */
function handles(fs: FsPromises): { fs: FsPromises; open: () => number } {
  let open = 0;
  const wrapped = onOpen(fs, (fh) => {
    open++;
    around(fh, 'close', (close) => {
      open--;
      return close();
    });
  });
  return { fs: wrapped, open: () => open };
}

test('a cache of several MiB opened for a scan: every entry found, read a window at a time, file closed', async () => {
  const { list, ids } = bigList(30, 1000);
  const h = handles(await saved(list));
  const size = ((await h.fs.stat('/v/index')) as { size: number }).size;
  assert.ok(size > 2 * 1024 * 1024, 'over two pieces');
  const c = await StatCache.open(h.fs, '/v/index');
  assert.is(c.dropped, null, 'the checksum, checked a piece at a time, matches');
  assert.is(c.size, 30_000);
  assert.equal(c.tree, { digest: 'ab'.repeat(32), id: 'cd'.repeat(32) }, 'the header');
  assert.throws(() => c.get(list.path(1)), /opened for one scan/, 'not held whole: no lookups');
  assert.is(h.open(), 1, 'the file is open while the scan reads it');
  const cursor = c.cursor();
  let reads = 0;
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    if (list.isDir(i)) continue;
    const found = cursor.find(list.path(i));
    if (typeof found !== 'number') reads++;
    const rec = await found;
    assert.ok(rec >= 0, list.path(i));
    assert.is(cursor.idAt(rec), ids[n]);
    assert.is(cursor.objAt(rec), (n % 1000) % 7 ? 'blob' : 'chunklist');
    assert.ok(cursor.vouches(rec, list, i), 'the stat data match');
    n++;
  }
  assert.ok(reads >= 2 && reads <= Math.ceil(size / StatCache.piece) + 1, `${reads} reads of a piece`);
  await new Promise((r) => setImmediate(r));
  assert.is(h.open(), 0, 'closed at the last record');
  assert.throws(() => c.cursor(), /cursor was taken/, 'one pass');
  // replaced by the list, it is an ordinary cache again
  c.replaceWith(list, false);
  assert.is(c.get(list.path(1))?.id, ids[0]);
});

test('paths the cache lacks, entries the scan lacks, tiny pieces, a path longer than a piece', async () => {
  const { list, ids } = bigList(3, 40);
  const long = list.add(-1, `z${'very long name '.repeat(40)}`, 'file', {
    size: 1,
    mtimeMs: 1,
    ino: 1,
    mode: 0o100644,
  });
  list.setId(long, 'blob', hashObject('blob', Buffer.from('long')));
  const fs = await saved(list);
  StatCache.piece = MIN_PIECE;
  const whole = await StatCache.load(fs, '/v/index');
  const c = await StatCache.open(fs, '/v/index');
  assert.is(c.dropped, null);
  const cursor = c.cursor();
  // the scan meets every third file, and a new file before each
  let n = 0;
  for (let i = 0; i < long; i++) {
    if (list.isDir(i)) continue;
    const path = list.path(i);
    if (n++ % 3) continue;
    assert.is(await cursor.find(`${path.slice(0, -4)}.new`), -1, 'a file the cache does not hold');
    const rec = await cursor.find(path);
    assert.ok(rec >= 0, path);
    assert.is(cursor.idAt(rec), whole.get(path)!.id);
  }
  assert.ok(n > 100);
  const rec = await cursor.find(list.path(long));
  assert.ok(rec >= 0, 'a record longer than a piece: the window grows');
  assert.is(cursor.idAt(rec), list.id(long));
  assert.is(await cursor.find('zzz'), -1, 'past the last record');
  assert.ok(ids.length === 120);
});

/** A VSC3 cache of hand-made records (path, id) with a valid checksum: what someone who rewrites it can make. */
function crafted(records: [string, string][], count = records.length): Buffer {
  const parts: Buffer[] = [Buffer.from('VSC3', 'latin1')];
  const head = Buffer.alloc(5);
  head.writeUInt32LE(count, 0);
  parts.push(head);
  for (const [p, id] of records) {
    const name = Buffer.from(p);
    const r = Buffer.alloc(4 + name.length + 61);
    r.writeUInt16LE(0, 0);
    r.writeUInt16LE(name.length, 2);
    name.copy(r, 4);
    const o = 4 + name.length;
    r.writeDoubleLE(10, o);
    r.writeDoubleLE(PAST, o + 8);
    r.writeDoubleLE(1, o + 16);
    r.writeUInt32LE(0o100644, o + 24);
    r[o + 28] = 1;
    r.write(id, o + 29, 32, 'hex');
    parts.push(r);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const ID = (n: number) => hashObject('blob', Buffer.from(`id ${n}`));

test('records out of walk order (checksum recomputed): the rest vouches for nothing, never a wrong id', async () => {
  const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(3, '0')}`);
  const records: [string, string][] = names.map((p, i) => [p, ID(i)]);
  [records[30], records[10]] = [records[10]!, records[30]!]; // f030 early, f010 late
  const { fs } = memFs({ '/v/.keep': '' });
  await fs.writeFile('/v/index', crafted(records));
  StatCache.piece = MIN_PIECE;
  const c = await StatCache.open(fs, '/v/index');
  assert.is(c.dropped, null, 'the checksum matches');
  const cursor = c.cursor();
  for (let i = 0; i < names.length; i++) {
    const rec = await cursor.find(names[i]!);
    if (rec < 0) continue;
    assert.is(cursor.idAt(rec), ID(i), `${names[i]} never gets another path's id`);
    assert.ok(i <= 30, `${names[i]}: nothing past the disorder is found`);
  }
  assert.ok(c.dirty, 'rewritten at the next save');
});

test('fewer records than the header counts (checksum recomputed): the rest is read again', async () => {
  const records: [string, string][] = Array.from({ length: 30 }, (_, i) => [`f${String(i).padStart(3, '0')}`, ID(i)]);
  const { fs } = memFs({ '/v/.keep': '' });
  await fs.writeFile('/v/index', crafted(records, 35));
  StatCache.piece = MIN_PIECE;
  const c = await StatCache.open(fs, '/v/index');
  assert.is(c.size, 35);
  const cursor = c.cursor();
  for (let i = 0; i < 30; i++) assert.is(cursor.idAt(await cursor.find(records[i]![0])), ID(i));
  assert.is(await cursor.find('f031'), -1);
  assert.ok(c.dirty);
});

test('commit and status through a cache read a piece at a time: an unchanged folder reads no file', async () => {
  const tree: Record<string, string | Record<string, string>> = {};
  for (let d = 0; d < 5; d++) {
    const files: Record<string, string> = {};
    for (let f = 0; f < 20; f++) files[`file ${f}.txt`] = `folder ${d} file ${f}\n`;
    tree[`folder ${d}`] = files;
  }
  const t = await memVault(tree, { mtime: PAST });
  const first = await commit({ vault: t.vault, message: 'first' });
  assert.is(first.filesRead, 100);
  StatCache.piece = MIN_PIECE;
  const again = await commit({ vault: await t.reopen(), message: 'again' });
  assert.is(again.cacheDropped, null);
  assert.is(again.filesRead, 0, 'every file vouched for by the cache read as the scan went');
  await t.fs.writeFile('/work/folder 3/file 7.txt', 'changed\n');
  await t.fs.utimes('/work/folder 3/file 7.txt', PAST / 1000 + 60, PAST / 1000 + 60);
  await t.fs.rm('/work/folder 1/file 2.txt');
  const st = await status({ vault: await t.reopen() });
  assert.equal(
    st.modified.map((c) => c.path),
    ['folder 3/file 7.txt'],
  );
  assert.equal(
    st.deleted.map((c) => c.path),
    ['folder 1/file 2.txt'],
  );
  const third = await commit({ vault: await t.reopen(), message: 'third' });
  assert.is(third.filesRead, 1, 'only the changed file');
});

test('the disk fails while the cache is read (checked or read on): the commit fails with EIO, nothing moves', async () => {
  const tree: Record<string, Record<string, string>> = {};
  for (let d = 0; d < 3; d++) {
    tree[`folder ${d}`] = {};
    for (let f = 0; f < 20; f++) tree[`folder ${d}`]![`file ${f}.txt`] = `folder ${d} file ${f}\n`;
  }
  const t = await memVault(tree, { mtime: PAST });
  const first = await commit({ vault: t.vault, message: 'first' });
  const before = (await t.fs.readFile('/work/.vault/index')) as Buffer;
  StatCache.piece = MIN_PIECE;
  // open's reads before the cursor's: the magic, the checksum pass a piece at a time, the checksum itself
  const checking = 1 + Math.ceil((before.length - 32) / MIN_PIECE) + 1;
  for (const [when, failAt] of [
    ['while the checksum is checked', 3],
    ['while the cursor reads on', checking + 2],
  ] as const) {
    let reads = 0;
    const failing = onOpen(t.fs, (fh, path, flags) => {
      if (!path.endsWith('/.vault/index') || flags !== 'r') return;
      around(fh, 'read', (read, ...a) => {
        if (++reads >= failAt) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        return read(...a);
      });
    });
    const v = await t.reopen();
    (v as { fs: FsPromises }).fs = failing;
    const code = await codeOf(() => commit({ vault: v, message: 'second', allowEmpty: true }));
    assert.is(code, 'EIO', when);
    assert.is(reads, failAt, `${when}: failed at read ${failAt}`);
    assert.is((await readHead((await t.reopen()).refs)).id, first.id, `${when}: HEAD did not move`);
    assert.ok(
      ((await t.fs.readFile('/work/.vault/index')) as Buffer).equals(before),
      `${when}: the cache is as it was`,
    );
  }
});

test.run();
