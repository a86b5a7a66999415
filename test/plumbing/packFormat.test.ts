/**
 * The on-disk format, held to fixed bytes: test/fixtures/pack-v1 was written by the code of before the pack
 * module (see its README and packGolden.ts). Old vaults must read back, and the same objects written today must
 * give the same pack, index and loose object bytes.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { decodePackIndex, encodePackIndex, inflatePackIndex } from '../../src/plumbing/pack/index.js';
import type { RestorePart, RestoreReply, RestoreRequest } from '../../src/plumbing/restoreWorker.js';
import { WorkerPool, failureError, type WorkerFailure } from '../../src/plumbing/workerPool.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { memFs } from '../helpers/memfs.js';
import { listTree, writeTree } from '../helpers/tree.js';
import { nodeFs, tempDir } from '../helpers/vault.js';
import {
  goldenObjects,
  goldenTree,
  openDb,
  writeLooseObjects,
  writeWithBuilder,
  writeWithWriter,
} from './packGolden.js';

const test = suite('plumbing/packFormat');

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pack-v1');

/** Every file under `dir`, relative path -> bytes. */
function readDir(dir: string, rel = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) for (const [k, v] of readDir(dir, r)) out.set(k, v);
    else out.set(r, readFileSync(join(dir, r)));
  }
  return out;
}

/** A fixture folder copied into a fresh memfs at `to` (as a checkout gives it: no empty folders). */
async function load(fixture: string, to: string): Promise<{ fs: FsPromises }> {
  const { fs } = memFs();
  for (const [rel, data] of readDir(join(FIXTURES, fixture))) {
    await fs.mkdir(`${to}/${rel}`.replace(/\/[^/]*$/, ''), { recursive: true });
    await fs.writeFile(`${to}/${rel}`, data);
  }
  return { fs };
}

/** The only file of `fs` under `dir` whose name ends with `ext`. */
async function onlyFile(fs: FsPromises, dir: string, ext: string): Promise<Buffer> {
  const names = ((await fs.readdir(dir)) as string[]).filter((n) => n.endsWith(ext));
  assert.is(names.length, 1, `one ${ext} in ${dir}`);
  return (await fs.readFile(`${dir}/${names[0]}`)) as Buffer;
}

function fixtureFile(dir: string, ext: string): Buffer {
  const names = readdirSync(join(FIXTURES, dir)).filter((n) => n.endsWith(ext));
  assert.is(names.length, 1);
  return readFileSync(join(FIXTURES, dir, names[0]!));
}

test('a vault committed before the pack module restores byte for byte and verifies clean', async () => {
  const { fs } = await load('vault', '/work/.vault');
  const vault = await openVault({ fs, cwd: '/work', codec: new InlineCodec() });
  const r = await restore({ vault, snapshot: 'HEAD', to: '/out' });
  assert.equal(r.skipped, []);
  await writeTree(fs, '/expect', goldenTree());
  const got = await listTree(fs, '/out');
  assert.equal(got, await listTree(fs, '/expect'));
  assert.ok(got.length >= 10, got.join('\n'));
  const v = await verify({ vault, readData: true });
  assert.equal(v.problems, []);
});

for (const dir of ['writer', 'builder', 'loose']) {
  test(`the ${dir} fixture reads back object by object`, async () => {
    const { fs } = await load(dir, '/v');
    const db = await openDb(fs, '/v');
    for (const o of goldenObjects()) {
      const got = await db.read(hashObject(o.type, o.body));
      assert.is(got.type, o.type);
      assert.ok(got.body.equals(o.body), `${o.type} of ${o.body.length} bytes`);
    }
  });
}

test('the object writer (commit, fetch) writes the same pack and index bytes as before', async () => {
  const { fs } = memFs();
  await writeWithWriter(await openDb(fs, '/v'));
  const pack = await onlyFile(fs, '/v/packs', '.pack');
  assert.ok(pack.equals(fixtureFile('writer/packs', '.pack')), 'pack bytes');
  const idx = await onlyFile(fs, '/v/packs', '.idx');
  const old = fixtureFile('writer/packs', '.idx');
  // the index is deflated by node's zlib: compare what it holds, which is what our code decides
  assert.is(idx.toString('latin1', 0, 8), old.toString('latin1', 0, 8));
  assert.ok(inflateRawSync(idx.subarray(8)).equals(inflateRawSync(old.subarray(8))), 'index bytes');
  assert.equal(decodePackIndex(idx, 'new'), decodePackIndex(old, 'old'));
});

test('the pack builder (gc, prune) writes the same pack and index bytes as before', async () => {
  const { fs } = memFs();
  await writeWithBuilder(await openDb(fs, '/v'));
  const pack = await onlyFile(fs, '/v/packs', '.pack');
  assert.ok(pack.equals(fixtureFile('builder/packs', '.pack')), 'pack bytes');
  const idx = await onlyFile(fs, '/v/packs', '.idx');
  const old = fixtureFile('builder/packs', '.idx');
  assert.ok(inflateRawSync(idx.subarray(8)).equals(inflateRawSync(old.subarray(8))), 'index bytes');
});

test('an index is sorted by whole id, also among ids that share their first four bytes', () => {
  const ids: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const h = hashObject('blob', Buffer.from(`sort ${i}`));
    // a third share one of a few prefixes, so runs of equal first words are ordered by the rest of the id
    ids.push(
      i % 3 === 0 ? ['00000000', '7fffffff', 'ffffffff'][i % 9 === 0 ? 0 : i % 9 === 3 ? 1 : 2] + h.slice(8) : h,
    );
  }
  const entries = ids.map((id, i) => ({
    id,
    offset: 4 + i * 90,
    length: 90,
    rawLength: 80,
    type: 'blob' as const,
    codec: 1,
  }));
  const stored = encodePackIndex(entries);
  const idx = inflatePackIndex(stored, 'sorted.idx');
  assert.ok(idx.sorted, 'inflatePackIndex finds it in order');
  const back = decodePackIndex(stored, 'sorted.idx');
  assert.equal(
    back.map((e) => e.id),
    [...ids].sort(),
    'the order of the hex ids',
  );
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const e of back) assert.equal(e, byId.get(e.id));
});

test('loose objects are written byte for byte as before', async () => {
  const { fs } = memFs();
  const ids = await writeLooseObjects(await openDb(fs, '/v'));
  const old = readDir(join(FIXTURES, 'loose'));
  assert.is(old.size, ids.length);
  for (const id of ids) {
    const rel = `objects/${id.slice(0, 2)}/${id.slice(2)}`;
    const now = (await fs.readFile(`/v/${rel}`)) as Buffer;
    assert.ok(now.equals(old.get(rel)!), rel);
  }
});

test('the restore worker reads records of an old pack and writes their content', async () => {
  const tmp = await tempDir();
  const pool = new WorkerPool<RestoreRequest, RestoreReply>('restoreWorker', undefined, 1);
  const umask = process.umask();
  try {
    const name = readdirSync(join(FIXTURES, 'builder/packs')).find((n) => n.endsWith('.pack'))!;
    const packPath = join(tmp.path, name);
    await copyFile(join(FIXTURES, 'builder/packs', name), packPath);
    const { fs } = await load('builder', '/v');
    const db = await openDb(fs, '/v');
    await db.ready();
    await mkdir(join(tmp.path, 'out'));
    let i = 0;
    for (const o of goldenObjects()) {
      const id = hashObject(o.type, o.body);
      const { entry } = db.locate(id)!;
      const part: RestorePart = { ...entry, id, packPath };
      const out = join(tmp.path, 'out', `f${i}`);
      // every other file under a umask that takes bits off the mode: the worker sets it exactly all the same
      const mask = i++ % 2 ? 0o077 : 0o022;
      process.umask(mask);
      const mode = i % 3 ? 0o644 : 0o755;
      const req = {
        tmp: `${out}.tmp`,
        dest: out,
        mode,
        umask: mask,
        mtime: 1_600_000_000_000,
        size: o.body.length,
        parts: [part],
        stat: true,
      };
      const st = await pool.run(req).catch((f: WorkerFailure) => {
        throw failureError(f);
      });
      const onDisk = await nodeFs.lstat(out);
      assert.equal(st, { size: o.body.length, mtimeMs: 1_600_000_000_000, ino: onDisk.ino, mode: onDisk.mode });
      assert.is(onDisk.mode & 0o777, mode, `mode under umask ${mask.toString(8)}`);
      assert.ok(((await nodeFs.readFile(out)) as Buffer).equals(o.body), `${o.type} of ${o.body.length} bytes`);
      assert.not.ok(await nodeFs.lstat(`${out}.tmp`).catch(() => null), 'the temp file was renamed');
    }
  } finally {
    process.umask(umask);
    await pool.close();
    await tmp.remove();
  }
});

test.run();
