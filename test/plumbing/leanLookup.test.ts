// The lean id lookup (ObjectDatabase.useLean): status and commit at a million files look ids up without loading
// every pack index entry. It must answer as the whole index does, and status/commit must give the same results.
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { encodePackIndex, findInPackIndex, inflatePackIndex, packIndexEntry } from '../../src/plumbing/pack/index.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault, type Vault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { status, type StatusResult } from '../../src/porcelain/status.js';
import { verify } from '../../src/porcelain/verify.js';
import { memFs, watchFs } from '../helpers/memfs.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree, type FileTree } from '../helpers/tree.js';
import { fakeClock, memVault } from '../helpers/vault.js';

const test = suite('plumbing/leanLookup');

/** files this old are never "racy": the stat cache vouches for them */
const PAST = Date.UTC(2020, 0, 1);
const PACKS = '/work/.vault/packs';

const PROJECT: FileTree = {
  'a.txt': 'alpha\n',
  'b.txt': 'bravo\n',
  big: { 'hero.psd': prngBytes(1, 600_000) },
  Docs: { 'one.md': '# one\n', 'two.md': '# two\n', deep: { 'x.md': 'x\n', 'y.md': 'y\n' } },
  Art: { 'icon.png': prngBytes(2, 900), 'more.png': prngBytes(3, 1200) },
};

/** A vault at /work with four commits, so four packs (each commit writes one). */
async function history() {
  const t = await memVault(PROJECT, { mtime: PAST });
  for (let i = 0; i < 4; i++) {
    if (i > 0) {
      await t.fs.writeFile(`/work/Docs/deep/x.md`, `x ${i}\n`);
      await t.fs.writeFile(`/work/new${i}.txt`, `new ${i}\n`);
      await t.fs.utimes(`/work/Docs/deep/x.md`, PAST / 1000 + i, PAST / 1000 + i);
      await t.fs.utimes(`/work/new${i}.txt`, PAST / 1000 + i, PAST / 1000 + i);
    }
    assert.ok((await commit({ vault: t.vault, message: `c${i}` })).id);
  }
  const idx = ((await t.fs.readdir(PACKS)) as string[]).filter((n) => n.endsWith('.idx'));
  assert.ok(idx.length >= 4, `${idx.length} packs`);
  return t;
}

function openDb(fs: FsPromises): Promise<ObjectDatabase> {
  return ObjectDatabase.open({ fs, vaultDir: '/work/.vault', codec: new InlineCodec() });
}

async function openOn(fs: FsPromises): Promise<Vault> {
  return openVault({ fs, cwd: '/work', codec: new InlineCodec(), clock: fakeClock(2e12), author: 'T <t@x>' });
}

function summary(s: StatusResult) {
  return { added: s.added, modified: s.modified, deleted: s.deleted, renamed: s.renamed, clean: s.clean };
}

test('every id, type and body as the whole index gives them; absent ids are absent', async () => {
  const t = await history();
  const full = await openDb(t.fs);
  await full.ready();
  const all = [...full.ids()];
  const lean = await openDb(t.fs);
  const endLean = lean.useLean();
  for (const id of all) {
    assert.ok(await lean.has(id), id);
    assert.is(await lean.typeOf(id), await full.typeOf(id));
    assert.equal((await lean.read(id)).body, (await full.read(id)).body);
  }
  for (const id of all.slice(0, 20)) {
    const absent = id.slice(0, 60) + (id.endsWith('0000') ? '1111' : '0000'); // same prefix: searched on disk
    assert.not.ok(await lean.has(absent));
    assert.not.ok(await lean.holds(absent));
  }
  assert.not.ok(await lean.has('f'.repeat(64)));
  assert.is(lean.lean, true, 'answered lean throughout');
  assert.equal(await lean.storeCounts(), { loose: full.looseCount, packs: full.packCount });
  await lean.ready();
  assert.is(lean.lean, false, 'the whole index takes over once loaded');
  assert.ok(await lean.has(all[0]!));
  endLean();
  await Promise.all([full.close(), lean.close()]);
});

test('packs written while lean join the lean lookup, not the whole index; ready() still finds them', async () => {
  const t = await history();
  const db = await openDb(t.fs);
  const endLean = db.useLean();
  const before = await db.storedIdCount();
  const w = db.writer();
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push(await w.put('blob', Buffer.from(`written while lean ${i}`)));
  const list = await w.put('chunklist', Buffer.from(ids.slice(0, 3).join('')));
  await w.flush();
  assert.is(db.indexLoaded, false, 'the whole index was not loaded');
  for (const [i, id] of ids.entries()) {
    assert.ok(await db.holds(id), `${i} held`);
    assert.is((await db.read(id)).body.toString(), `written while lean ${i}`);
  }
  assert.is(await db.typeOf(list), 'chunklist');
  assert.ok((await db.storedIdCount()) >= before + 51, 'counted');
  const seen = new Set<string>();
  await db.forEachStoredId((b, o) => seen.add(Buffer.from(b.subarray(o, o + 32)).toString('hex')));
  for (const id of [...ids, list]) assert.ok(seen.has(id), `${id} visited`);
  const fresh = await openDb(t.fs);
  await fresh.ready();
  assert.equal(await db.storeCounts(), { loose: fresh.looseCount, packs: fresh.packCount });
  assert.is(db.indexLoaded, false, 'still lean');
  await db.ready();
  for (const id of [...ids, list]) assert.ok(db.contains(id), `${id} in the whole index`);
  assert.equal(new Set(db.ids()), new Set(fresh.ids()), 'the whole index is the one a fresh open loads');
  endLean();
  await Promise.all([db.close(), fresh.close()]);
});

test('many ids searched on disk: the whole index takes over, and answers the same', async () => {
  const { fs } = memFs();
  await fs.mkdir('/v/.vault', { recursive: true });
  const open = () => ObjectDatabase.open({ fs, vaultDir: '/v/.vault', codec: new InlineCodec(), packSize: 1 });
  const db = await open();
  const w = db.writer();
  const ids: string[] = [];
  for (let i = 0; i < 300; i++) ids.push(await w.put('blob', Buffer.from(`object ${i}`))); // a pack each
  await w.flush();
  const lean = await open();
  const endLean = lean.useLean();
  for (const [i, id] of ids.entries()) {
    assert.equal((await lean.read(id)).body.toString(), `object ${i}`);
    if (i < 200) assert.is(lean.indexLoaded, false, `${i}: still lean`);
  }
  assert.is(lean.indexLoaded, true, 'past 256 searches the whole index was loaded');
  assert.is(lean.lean, false);
  assert.ok(await lean.holds(ids[0]!));
  endLean();
});

test('an index whose entries are out of order (not written by Vault) is searched through', () => {
  const entries = ['aa', 'bb', 'cc'].map((c, i) => ({
    id: c.repeat(32),
    offset: i * 100,
    length: 100,
    rawLength: 90,
    type: 'blob' as const,
    codec: 0,
  }));
  const raw = inflateRawSync(encodePackIndex(entries).subarray(8));
  // swap the first two entries and seal it again (an unsorted but well-formed index)
  const a = Buffer.from(raw.subarray(12, 62));
  raw.copy(raw, 12, 62, 112);
  a.copy(raw, 62);
  createHash('sha256')
    .update(raw.subarray(0, 12 + 3 * 50))
    .digest()
    .copy(raw, 12 + 3 * 50);
  const idx = inflatePackIndex(raw, 'crafted.idx');
  assert.is(idx.sorted, false);
  for (const e of entries) {
    const i = findInPackIndex(idx, Buffer.from(e.id, 'hex'));
    assert.ok(i >= 0, e.id.slice(0, 4));
    assert.equal(packIndexEntry(idx, i), e);
  }
  assert.is(findInPackIndex(idx, Buffer.alloc(32, 0xdd)), -1);
  const sorted = inflatePackIndex(inflateRawSync(encodePackIndex(entries).subarray(8)), 'vault.idx');
  assert.is(sorted.sorted, true);
  for (const e of entries) assert.equal(packIndexEntry(sorted, findInPackIndex(sorted, Buffer.from(e.id, 'hex'))), e);
  assert.is(findInPackIndex(sorted, Buffer.alloc(32, 0xdd)), -1);
  assert.is(findInPackIndex(sorted, Buffer.alloc(32, 0x00)), -1);
});

test('a status with changes reads each pack index once and loads no entry beyond trees', async () => {
  const t = await history();
  await t.fs.writeFile('/work/Docs/two.md', '# two, edited\n');
  await t.fs.rm('/work/Art/icon.png');
  await t.fs.writeFile('/work/Art/added.png', 'png');
  const { fs, calls } = watchFs(t.fs, ['readFile']);
  const v = await openOn(fs);
  const leanResult = await status({ vault: v });
  assert.is(v.db.indexLoaded, false, 'the whole index was not loaded');
  const idxReads = calls.filter((c) => c.path.endsWith('.idx')).map((c) => c.path);
  assert.equal(idxReads, [...new Set(idxReads)], 'each index read once');
  // the same status from the whole index
  const w = await openOn(t.fs);
  await w.db.ready();
  const fullResult = await status({ vault: w });
  assert.equal(summary(leanResult), summary(fullResult));
  assert.equal(
    { m: leanResult.modified.map((c) => c.path), d: leanResult.deleted.map((c) => c.path) },
    { m: ['Docs/two.md'], d: ['Art/icon.png'] },
  );
  assert.equal(
    leanResult.added.map((c) => c.path),
    ['Art/added.png'],
  );
});

test('a commit of one changed file stays lean, dedups what is stored, and its snapshot is whole', async () => {
  const t = await history();
  await t.fs.writeFile('/work/Docs/one.md', '# one, edited\n');
  await t.fs.writeFile('/work/copy.txt', 'alpha\n'); // a.txt's content: stored already
  const { fs, calls } = watchFs(t.fs, ['readFile']);
  const v = await openOn(fs);
  const r = await commit({ vault: v, message: 'one' });
  assert.ok(r.id);
  // the present-check's pass, the lean lookup's, and a search or two for stored content
  const idxReads = calls.filter((c) => c.path.endsWith('.idx'));
  assert.ok(idxReads.length <= 2 * 4 + 2, `${idxReads.length} index reads`);
  assert.is(v.db.indexLoaded, false, 'the whole index was not loaded');
  assert.is(v.db.lean, false, 'lean for the span of the commit only');
  assert.ok(await v.db.has(hashObject('blob', Buffer.from('alpha\n'))));
  assert.is(v.db.indexLoaded, true, 'a later lookup on the same database loads the whole index, as before');
  assert.is(r.filesRead, 2);
  assert.is(r.newObjects, 4, "one.md's blob, the Docs and root trees, the snapshot: copy.txt's blob is stored already");
  const again = await openOn(t.fs);
  assert.equal((await verify({ vault: again, readData: true })).problems, []);
  await restore({ vault: again, snapshot: 'HEAD', to: '/out' });
  assert.equal(await listTree(t.fs, '/out'), await listTree(t.fs, '/work'));
});

test('a pack index lost: the next commit reads the files whose objects it held again, lean as whole', async () => {
  const read: number[] = [];
  for (const whole of [false, true]) {
    const t = await history();
    const db = await openDb(t.fs);
    await db.ready();
    const holder = db.locate(hashObject('blob', Buffer.from('alpha\n')))!.packPath;
    await db.close();
    await t.fs.unlink(holder.replace(/\.pack$/, '.idx'));
    await t.fs.writeFile('/work/b.txt', 'bravo, edited\n');
    const v = await openOn(t.fs);
    if (whole) await v.db.ready();
    const r = await commit({ vault: v, message: 'after the loss' });
    assert.ok(r.id);
    assert.ok(r.filesRead > 1, 'files whose objects were lost are read again');
    read.push(r.filesRead);
    const again = await openOn(t.fs);
    await restore({ vault: again, snapshot: 'HEAD', to: '/out' });
    assert.equal(await listTree(t.fs, '/out'), await listTree(t.fs, '/work'));
  }
  assert.is(read[0], read[1], 'the same files read, lean or whole');
});

test.run();
