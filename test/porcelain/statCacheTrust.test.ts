// The stat cache (.vault/index) lets a commit skip reading files, so a damaged or rewritten cache must never
// make a commit record objects the vault does not have, or another file's content. Each case ends in a commit
// whose snapshot verifies with --read-data and restores byte for byte as the folder is.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateRawSync } from 'node:zlib';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { StatCache } from '../../src/plumbing/statCache.js';
import { compareWalkOrder } from '../../src/plumbing/walkOrder.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { watchFs } from '../helpers/memfs.js';
import { bodyOf, withoutFolders, withSum } from '../helpers/statCacheBytes.js';
import { mulberry32, prngBytes } from '../helpers/prng.js';
import { listTree, type FileTree } from '../helpers/tree.js';
import { fakeClock, memVault } from '../helpers/vault.js';

const test = suite('porcelain/statCacheTrust');

/** an mtime well in the past: files this old are never "racy", so the cache vouches for them */
const PAST = Date.UTC(2020, 0, 1);
const INDEX = '/work/.vault/index';
const FLIP_SEEDS = Number(process.env.VAULT_CACHE_FLIPS ?? 60);

const PROJECT: FileTree = {
  'alpha.txt': 'alpha\n',
  'bravo.txt': 'bravo bravo\n',
  'charlie.bin': prngBytes(3, 5000),
  Art: { 'hero.psd': prngBytes(4, 300_000), 'icon.png': prngBytes(5, 700) },
  Docs: { 'notes.md': '# notes\n', 'todo.md': '- [ ] more\n' },
};

async function project() {
  const t = await memVault(PROJECT, { mtime: PAST });
  const first = await commit({ vault: t.vault, message: 'first' });
  assert.ok(first.id);
  return t;
}

/** HEAD verifies with --read-data and restores exactly as the folder is now. */
async function assertSnapshotIsTheFolder(t: Awaited<ReturnType<typeof project>>, what: string): Promise<void> {
  const v = await t.reopen();
  const r = await verify({ vault: v, readData: true });
  assert.equal(r.problems, [], `${what}: the vault verifies`);
  await t.fs.rm('/out', { recursive: true, force: true });
  await restore({ vault: v, snapshot: 'HEAD', to: '/out' });
  assert.equal(await listTree(t.fs, '/out'), await listTree(t.fs, '/work'), `${what}: HEAD restores as the folder is`);
}

/** One edit so that the next commit writes a new snapshot (and trees) from mostly cached ids. */
async function editOne(t: Awaited<ReturnType<typeof project>>): Promise<void> {
  await t.fs.writeFile('/work/Docs/todo.md', '- [x] more\n');
  await t.fs.utimes('/work/Docs/todo.md', PAST / 1000 + 60, PAST / 1000 + 60);
}

// a commit opens the cache for its scan (StatCache.open): held whole when it fits in one read, else checked a
// piece at a time and read again as the scan goes; both ways, with a piece smaller than this cache
const WAYS: [string, number][] = [
  ['held whole', StatCache.piece],
  ['read a piece at a time', 137],
];
test.after.each(() => {
  StatCache.piece = WAYS[0]![1];
});

for (const [how, piece] of WAYS) {
  test(`${FLIP_SEEDS} random byte flips in the stat cache (${how}): every commit records the folder as it is`, async () => {
    StatCache.piece = piece;
    let dropped = 0;
    for (let seed = 1; seed <= FLIP_SEEDS; seed++) {
      const t = await project();
      const raw = (await t.fs.readFile(INDEX)) as Buffer;
      const rand = mulberry32(seed * 7919);
      const at = rand() % raw.length;
      raw[at]! ^= 1 << (rand() % 8);
      await t.fs.writeFile(INDEX, raw);
      await editOne(t);
      const v = await t.reopen();
      const r = await commit({ vault: v, message: `after flip ${seed}` });
      assert.ok(r.id, `seed ${seed}: a snapshot`);
      if (r.cacheDropped) dropped++;
      await assertSnapshotIsTheFolder(t, `seed ${seed} (byte ${at})`);
    }
    assert.is(dropped, FLIP_SEEDS, 'every flip was caught by the checksum');
    console.log(
      `stat cache figures (${how}): ${FLIP_SEEDS} byte flips, ${dropped} caught by the checksum, 0 wrong snapshots`,
    );
  });

  test(`a truncated stat cache (at many lengths, ${how}) is dropped, and the commit is correct`, async () => {
    StatCache.piece = piece;
    const t0 = await project();
    const size = ((await t0.fs.readFile(INDEX)) as Buffer).length;
    for (const keep of [0, 3, 4, 5, 20, Math.floor(size / 2), size - 33, size - 32, size - 1]) {
      const t = await project();
      const raw = (await t.fs.readFile(INDEX)) as Buffer;
      await t.fs.writeFile(INDEX, raw.subarray(0, keep));
      await editOne(t);
      const r = await commit({ vault: await t.reopen(), message: `truncated at ${keep}` });
      assert.ok(r.cacheDropped, `truncated at ${keep} of ${size}: dropped`);
      assert.is(r.filesRead, 7, 'every file read again');
      await assertSnapshotIsTheFolder(t, `truncated at ${keep}`);
    }
  });
}

/** Load the cache, swap the ids of two entries (stat data left alone), save it: a valid checksum over wrong data. */
async function swapIds(t: Awaited<ReturnType<typeof project>>, a: string, b: string): Promise<void> {
  const c = await StatCache.load(t.fs, INDEX);
  const ea = c.entries.get(a)!;
  const eb = c.entries.get(b)!;
  c.set(a, { ...ea, id: eb.id, obj: eb.obj });
  c.set(b, { ...eb, id: ea.id, obj: ea.obj });
  await c.save(t.fs, INDEX);
}

test('two cached ids swapped (the checksum recomputed): each file keeps its own bytes', async () => {
  const t = await project();
  await swapIds(t, 'alpha.txt', 'bravo.txt');
  await editOne(t);
  const r = await commit({ vault: await t.reopen(), message: 'after the swap' });
  assert.is(r.cacheDropped, null, 'the rewritten cache passes its checksum');
  await assertSnapshotIsTheFolder(t, 'swapped alpha/bravo');
});

test('a cached blob naming a stored chunk list (kind mismatch, checksum recomputed): the file is read again', async () => {
  const t = await project();
  const c = await StatCache.load(t.fs, INDEX);
  const hero = c.entries.get('Art/hero.psd')!;
  assert.is(hero.obj, 'chunklist', 'the big file is chunked');
  c.set('alpha.txt', { ...c.entries.get('alpha.txt')!, id: hero.id });
  await c.save(t.fs, INDEX);
  await editOne(t);
  const r = await commit({ vault: await t.reopen(), message: 'after' });
  assert.is(r.filesRead, 2, 'alpha.txt and the edited file');
  await assertSnapshotIsTheFolder(t, 'blob -> chunk list');
});

test('two cached ids swapped in the file without recomputing the checksum: the cache is dropped', async () => {
  const t = await project();
  const good = (await t.fs.readFile(INDEX)) as Buffer;
  await swapIds(t, 'alpha.txt', 'bravo.txt');
  const swapped = (await t.fs.readFile(INDEX)) as Buffer;
  // the swapped content under the old checksum: what an edit that does not know the format leaves
  await t.fs.writeFile(INDEX, Buffer.concat([swapped.subarray(0, -32), good.subarray(-32)]));
  await editOne(t);
  const r = await commit({ vault: await t.reopen(), message: 'after the swap' });
  assert.is(r.cacheDropped, 'checksum mismatch');
  await assertSnapshotIsTheFolder(t, 'swapped without checksum');
});

test('cached ids naming objects the vault does not have: the files are read and stored again', async () => {
  const t = await project();
  const c = await StatCache.load(t.fs, INDEX);
  // each id with its last hex digit changed: well-formed, and stored nowhere
  for (const [p, e] of c.entries) c.set(p, { ...e, id: e.id.slice(0, -1) + (e.id.endsWith('0') ? '1' : '0') });
  c.tree = undefined;
  await c.save(t.fs, INDEX);
  await editOne(t);
  const r = await commit({ vault: await t.reopen(), message: 'after' });
  assert.is(r.filesRead, 7, 'every file whose cached object is missing is read');
  await assertSnapshotIsTheFolder(t, 'made-up ids');
});

test('--allow-empty on a cache whose ids are missing: the snapshot still names only stored objects', async () => {
  const t = await project();
  const c = await StatCache.load(t.fs, INDEX);
  const e = c.entries.get('alpha.txt')!;
  c.set('alpha.txt', { ...e, id: 'e'.repeat(64) });
  await c.save(t.fs, INDEX);
  await commit({ vault: await t.reopen(), message: 'again', allowEmpty: true });
  await assertSnapshotIsTheFolder(t, 'allow-empty');
});

test('a cache in the old unchecked format (VSC1) is not trusted: every file is read once, then cached again', async () => {
  const t = await project();
  const raw = (await t.fs.readFile(INDEX)) as Buffer;
  raw.write('VSC1', 0, 'latin1');
  await t.fs.writeFile(INDEX, raw.subarray(0, -32));
  const v = await t.reopen();
  const r = await commit({ vault: v, message: 'm' });
  assert.is(r.cacheDropped, 'unchecked old format');
  assert.is(r.filesRead, 7);
  assert.is(((await t.fs.readFile(INDEX)) as Buffer).subarray(0, 4).toString('latin1'), 'VSC4', 'rewritten');
  const again = await commit({ vault: v, message: 'm' });
  assert.is(again.filesRead, 0, 'the new cache vouches for everything');
  assert.is(again.cacheDropped, null);
});

test('a cache written deflated by the previous Vault (VSC2) vouches as before, and is saved as VSC4', async () => {
  const t = await project();
  const raw = (await t.fs.readFile(INDEX)) as Buffer;
  assert.is(raw.subarray(0, 4).toString('latin1'), 'VSC4');
  await t.fs.writeFile(INDEX, withSum('VSC2', deflateRawSync(withoutFolders(bodyOf(raw)))));
  await editOne(t);
  const v = await t.reopen();
  const r = await commit({ vault: v, message: 'after the upgrade' });
  assert.is(r.cacheDropped, null);
  assert.is(r.filesRead, 1, 'only the edited file');
  assert.is(((await t.fs.readFile(INDEX)) as Buffer).subarray(0, 4).toString('latin1'), 'VSC4');
  await assertSnapshotIsTheFolder(t, 'VSC2 read');
});

test('a VSC2 cache out of walk order (as the Vaults of 2026-12-04 wrote them): every entry found, saved sorted', async () => {
  const t = await project();
  const c = await StatCache.load(t.fs, INDEX);
  const entries = [...c.entries].reverse();
  const raw = withoutFolders(bodyOf((await t.fs.readFile(INDEX)) as Buffer));
  const headLength = 5 + ((raw[4]! & 1) + ((raw[4]! >> 1) & 1)) * 64;
  const records = entries.map(([path, e]) => {
    const name = Buffer.from(path, 'utf8');
    const r = Buffer.alloc(4 + name.length + 61);
    r.writeUInt16LE(0, 0);
    r.writeUInt16LE(name.length, 2);
    name.copy(r, 4);
    let o = 4 + name.length;
    for (const x of [e.size, e.mtimeMs, e.ino]) o = r.writeDoubleLE(x, o);
    o = r.writeUInt32LE(e.mode, o);
    r[o++] = e.obj === 'chunklist' ? 2 : 1;
    r.write(e.id, o, 'hex');
    return r;
  });
  const unsorted = Buffer.concat([raw.subarray(0, headLength), ...records]);
  await t.fs.writeFile(INDEX, withSum('VSC2', deflateRawSync(unsorted)));
  await editOne(t);
  const v = await t.reopen();
  const r = await commit({ vault: v, message: 'after' });
  assert.is(r.cacheDropped, null);
  assert.is(r.filesRead, 1, 'only the edited file: each entry found by its path');
  const back = await StatCache.load(t.fs, INDEX);
  const paths = [...back.entries.keys()];
  assert.equal(paths, [...paths].sort(compareWalkOrder), 'saved in walk order');
  assert.is(paths.length, entries.length);
  await assertSnapshotIsTheFolder(t, 'unsorted cache');
  // the same records as VSC3 (only a crafted cache is out of order): files may be read again, never misrecorded
  await t.fs.writeFile(INDEX, withSum('VSC3', unsorted));
  await editOne(t);
  const crafted = await commit({ vault: await t.reopen(), message: 'crafted' });
  assert.is(crafted.cacheDropped, null);
  await assertSnapshotIsTheFolder(t, 'crafted unsorted VSC3');
  const sorted = [...(await StatCache.load(t.fs, INDEX)).entries.keys()];
  assert.equal(sorted, [...sorted].sort(compareWalkOrder), 'saved in walk order');
});

test('nothing changed: the commit reads no pack index (the cache and cached tree vouch for HEAD)', async () => {
  const t = await project();
  const { fs, calls } = watchFs(t.fs, ['readFile', 'readdir']);
  const v = await openVault({ fs, cwd: '/work', codec: new InlineCodec(), clock: fakeClock(), author: 'T <t@x>' });
  const r = await commit({ vault: v, message: 'again' });
  assert.is(r.id, null);
  assert.is(r.filesRead, 0);
  const packReads = calls.filter((c) => c.path.endsWith('.idx') || c.path.endsWith('/packs'));
  assert.equal(packReads, [], 'no pack index read');
});

test.run();
