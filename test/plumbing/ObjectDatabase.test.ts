import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { OBJECT_TYPES } from '../../src/objects/types.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { memFs, type MemVolume } from '../helpers/memfs.js';
import { prngBytes } from '../helpers/prng.js';
import { codeOf } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

interface Ctx {
  vol: MemVolume;
  fs: FsPromises;
  db: ObjectDatabase;
  open: (opts?: { packSize?: number }) => Promise<ObjectDatabase>;
}

const test = suite<Ctx>('plumbing/ObjectDatabase', {} as Ctx);

test.before.each(async (ctx) => {
  const { vol, fs } = memFs();
  await fs.mkdir('/v/.vault', { recursive: true });
  ctx.vol = vol;
  ctx.fs = fs;
  // opened and ready: pack indexes are read (they load lazily otherwise)
  ctx.open = async (opts = {}) => {
    const d = await ObjectDatabase.open({ fs, vaultDir: '/v/.vault', codec: new InlineCodec(), ...opts });
    await d.ready();
    return d;
  };
  ctx.db = await ctx.open();
});

const TEXT = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(40));
const RANDOM = prngBytes(99, 5000);

/** Overwrite a file that Vault made read-only. */
function patch(vol: MemVolume, path: string, f: (b: Buffer) => Buffer): void {
  const b = f(Buffer.from(vol.readFileSync(path) as Buffer));
  vol.chmodSync(path, 0o644);
  vol.writeFileSync(path, b);
}

function packFiles(vol: MemVolume, ext: 'pack' | 'idx'): string[] {
  return (vol.readdirSync('/v/.vault/packs') as string[])
    .filter((n) => n.startsWith('pack-') && n.endsWith(`.${ext}`))
    .map((n) => `/v/.vault/packs/${n}`);
}

test('writeLoose then read gives back type and body, for every type, compressed or not', async ({ db, open }) => {
  const written: [string, Buffer, string][] = [];
  for (const type of OBJECT_TYPES) {
    for (const [body, compress] of [
      [TEXT, true],
      [RANDOM, true],
      [Buffer.from('x'), true],
      [Buffer.alloc(0), false],
      [TEXT, false],
    ] as const) {
      const b = Buffer.concat([Buffer.from(type), body]);
      const id = await db.writeLoose(type, b, compress);
      assert.is(id, hashObject(type, b));
      written.push([id, b, type]);
    }
  }
  const again = await open();
  for (const [id, b, type] of written) {
    for (const d of [db, again]) {
      const o = await d.read(id);
      assert.is(o.type, type);
      assert.ok(o.body.equals(b));
      assert.ok(await d.has(id));
    }
  }
});

test('a compressible loose object is stored compressed; random bytes are kept raw', async ({ db, vol }) => {
  const a = await db.writeLoose('blob', TEXT);
  const b = await db.writeLoose('blob', RANDOM);
  const ra = vol.readFileSync(db.looseObjectPath(a)) as Buffer;
  const rb = vol.readFileSync(db.looseObjectPath(b)) as Buffer;
  assert.is(ra[2], 1, 'zstd');
  assert.ok(ra.length < TEXT.length / 4);
  assert.is(rb[2], 0, 'raw');
  assert.is(rb.length, RANDOM.length + 7);
});

test('writeLoose of the same content twice stores one file', async ({ db, vol }) => {
  const a = await db.writeLoose('blob', TEXT);
  const b = await db.writeLoose('blob', Buffer.from(TEXT));
  assert.is(a, b);
  const fan = vol.readdirSync(`/v/.vault/objects/${a.slice(0, 2)}`) as string[];
  assert.equal(fan, [a.slice(2)]);
  // same bytes, other type: another object
  assert.is.not(await db.writeLoose('chunk', TEXT), a);
});

test('writer: put then flush makes objects readable, here and after reopening', async ({ db, open }) => {
  const w = db.writer();
  const bodies = [TEXT, RANDOM, Buffer.from('small'), prngBytes(1, 300_000)];
  const ids: string[] = [];
  for (const b of bodies) ids.push(await w.put('chunk', b));
  const stats = await w.flush();
  assert.is(stats.objects, 4);
  assert.is(
    stats.rawBytes,
    bodies.reduce((s, b) => s + b.length, 0),
  );
  assert.ok(stats.storedBytes < stats.rawBytes);
  const again = await open();
  for (const d of [db, again]) {
    for (const [i, id] of ids.entries()) {
      assert.ok(d.contains(id));
      const o = await d.read(id);
      assert.is(o.type, 'chunk');
      assert.ok(o.body.equals(must(bodies[i])));
    }
  }
});

test('writer: put borrows the body: the caller may reuse the buffer at once', async ({ db }) => {
  const w = db.writer();
  const buf = Buffer.from(TEXT);
  const id = await w.put('blob', buf);
  buf.fill(0);
  await w.flush();
  assert.ok((await db.read(id)).body.equals(TEXT));
});

test('writer: the same content twice (in one batch, then in another) is stored once', async ({ db, vol, open }) => {
  const w = db.writer();
  const a = await w.put('chunk', TEXT);
  const b = await w.put('chunk', Buffer.from(TEXT));
  assert.is(a, b);
  assert.ok(await w.known(a));
  const s1 = await w.flush();
  assert.is(s1.objects, 1);
  assert.is(packFiles(vol, 'pack').length, 1);

  const w2 = db.writer();
  await w2.put('chunk', TEXT);
  const s2 = await w2.flush();
  assert.is(s2.objects, 0);
  assert.is(packFiles(vol, 'pack').length, 1, 'no new pack for nothing new');

  // also against a database opened later, and against loose objects
  const d2 = await open();
  const w3 = d2.writer();
  await w3.put('chunk', TEXT);
  const loose = await d2.writeLoose('blob', RANDOM);
  await w3.put('blob', RANDOM);
  assert.is((await w3.flush()).objects, 0);
  assert.ok(d2.contains(loose));
});

test('writer: packs are sealed at packSize; every object stays readable', async ({ open, vol }) => {
  const db = await open({ packSize: 20_000 });
  const w = db.writer();
  const bodies = Array.from({ length: 12 }, (_, i) => prngBytes(i + 1, 6000));
  const ids: string[] = [];
  for (const b of bodies) ids.push(await w.put('chunk', b));
  await w.flush();
  assert.ok(packFiles(vol, 'pack').length >= 3, `${packFiles(vol, 'pack').length} packs`);
  assert.is(packFiles(vol, 'idx').length, packFiles(vol, 'pack').length);
  const again = await open();
  for (const [i, id] of ids.entries()) assert.ok((await again.read(id)).body.equals(must(bodies[i])));
});

test('a missing object: read throws ENOOBJECT; has() is false', async ({ db }) => {
  const id = hashObject('blob', Buffer.from('never stored'));
  assert.is(await codeOf(() => db.read(id)), 'ENOOBJECT');
  assert.not.ok(await db.has(id));
  assert.not.ok(db.contains(id));
});

test('readTyped of an object of another type: EMALFORMED', async ({ db }) => {
  const id = await db.writeLoose('blob', TEXT);
  assert.ok((await db.readTyped(id, 'blob')).equals(TEXT));
  assert.is(await codeOf(() => db.readTyped(id, 'tree')), 'EMALFORMED');
});

test('every flipped byte of a raw loose object: read throws ECORRUPT', async ({ db, vol, open }) => {
  const body = prngBytes(5, 200);
  const id = await db.writeLoose('chunk', body, false);
  const path = db.looseObjectPath(id);
  const orig = Buffer.from(vol.readFileSync(path) as Buffer);
  for (let i = 0; i < orig.length; i++) {
    for (const mask of [0x01, 0x80]) {
      patch(vol, path, (b) => {
        b[i]! ^= mask; // i < orig.length
        return b;
      });
      assert.is(await codeOf(async () => (await open()).read(id)), 'ECORRUPT', `byte ${i} ^ ${mask}`);
      patch(vol, path, () => orig);
    }
  }
  assert.ok((await (await open()).read(id)).body.equals(body));
});

test('every flipped byte of a compressed loose object: ECORRUPT, never other bytes', async ({ db, vol, open }) => {
  const id = await db.writeLoose('blob', TEXT);
  const path = db.looseObjectPath(id);
  const orig = Buffer.from(vol.readFileSync(path) as Buffer);
  assert.is(orig[2], 1, 'stored compressed');
  let corrupt = 0;
  for (let i = 0; i < orig.length; i++) {
    patch(vol, path, (b) => {
      b[i]! ^= 0x01; // i < orig.length
      return b;
    });
    try {
      const o = await (await open()).read(id);
      // a bit zstd does not use may change: the content must still be exactly right
      assert.ok(o.body.equals(TEXT), `byte ${i}: read returned other bytes`);
    } catch (e) {
      assert.is((e as { code?: string }).code, 'ECORRUPT', `byte ${i}`);
      corrupt++;
    }
  }
  assert.ok(corrupt >= orig.length - 2, `${corrupt} of ${orig.length} flips detected`);
});

test('a flipped byte inside a packed object: read throws ECORRUPT for it, the others still read', async ({
  db,
  vol,
  open,
}) => {
  const bodies = [prngBytes(7, 3000), TEXT, Buffer.from('tiny')];
  const w = db.writer();
  const ids: string[] = [];
  for (const b of bodies) ids.push(await w.put('chunk', b));
  await w.flush();
  const pack = must(packFiles(vol, 'pack')[0], 'a pack');
  const orig = Buffer.from(vol.readFileSync(pack) as Buffer);
  const entries = [...db.packedEntries()];
  for (const [k, id] of ids.entries()) {
    const e = entries.find((x) => x.id === id)!;
    // first byte (codec), middle, last byte of the record
    for (const at of [e.offset, e.offset + Math.floor(e.length / 2), e.offset + e.length - 1]) {
      patch(vol, pack, (b) => {
        b[at]! ^= 0x40; // a byte of the record, inside the pack
        return b;
      });
      const d = await open();
      assert.is(await codeOf(() => d.read(id)), 'ECORRUPT', `object ${k}, byte ${at}`);
      for (const [j, other] of ids.entries())
        if (j !== k) assert.ok((await d.read(other)).body.equals(must(bodies[j])));
      await d.close();
      patch(vol, pack, () => orig);
    }
  }
});

test('a truncated pack: ECORRUPT', async ({ db, vol, open }) => {
  const w = db.writer();
  const id = await w.put('chunk', prngBytes(8, 4000));
  await w.flush();
  const pack = must(packFiles(vol, 'pack')[0], 'a pack');
  patch(vol, pack, (b) => b.subarray(0, b.length - 10));
  assert.is(await codeOf(async () => (await open()).read(id)), 'ECORRUPT');
});

test('a pack without its .idx is invisible (an unfinished write)', async ({ db, vol, open }) => {
  const w = db.writer();
  const id = await w.put('chunk', TEXT);
  await w.flush();
  const idx = must(packFiles(vol, 'idx')[0], 'a pack index');
  vol.unlinkSync(idx);
  const d = await open();
  assert.is(d.packCount, 0);
  assert.not.ok(d.contains(id));
  assert.not.ok(await d.has(id));
  assert.is(await codeOf(() => d.read(id)), 'ENOOBJECT');
  // and the object can be stored again
  const w2 = d.writer();
  await w2.put('chunk', TEXT);
  assert.is((await w2.flush()).objects, 1);
  assert.ok((await (await open()).read(id)).body.equals(TEXT));
});

test('an aborted batch leaves no visible pack and no temp file', async ({ db, vol, open }) => {
  const w = db.writer();
  const id = await w.put('chunk', TEXT);
  await w.abort();
  assert.equal(
    (vol.readdirSync('/v/.vault/packs') as string[]).filter((n) => !n.startsWith('pack-')),
    [],
  );
  assert.not.ok((await open()).contains(id));
});

test('a pack index whose .pack file is gone: read fails with a typed error (ECORRUPT or ENOOBJECT), not a raw ENOENT', async ({
  db,
  vol,
  open,
}) => {
  const w = db.writer();
  const id = await w.put('chunk', TEXT);
  await w.flush();
  for (const p of packFiles(vol, 'pack')) vol.unlinkSync(p);
  const code = await codeOf(async () => (await open()).read(id));
  assert.ok(code === 'ECORRUPT' || code === 'ENOOBJECT', `got ${code}`);
});

test('an object bigger than zstd takes in one go (2 MiB) is still stored, and reads back (writeLoose and writer)', async ({
  db,
  open,
}) => {
  const big = Buffer.alloc(3 * 1024 * 1024, 'compressible text ');
  const code = await codeOf(async () => {
    const a = await db.writeLoose('blob', big);
    const w = db.writer();
    const b = await w.put('chunk', big);
    await w.flush();
    const d = await open();
    assert.ok((await d.read(a)).body.equals(big));
    assert.ok((await d.read(b)).body.equals(big));
  });
  assert.is(code, '(did not throw)');
});

test.run();
