/**
 * The pinned procedure behind test/fixtures/pack-v1 (see its README): the same objects, written the same way,
 * must give the same bytes on disk. `node --import tsx test/plumbing/packGolden.ts DIR` writes a fresh set into
 * DIR; the checked-in fixtures were written by it before the pack module existed, and must never be regenerated
 * (a difference from them is a change of the on-disk format).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashObject } from '../../src/objects/hashObject.js';
import type { ObjectType } from '../../src/objects/types.js';
import { FileTypeAwareChunker } from '../../src/plumbing/chunkers/FileTypeAwareChunker.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { PackBuilder, encodePayload } from '../../src/plumbing/pack/index.js';
import { commit } from '../../src/porcelain/commit.js';
import { memFs } from '../helpers/memfs.js';
import { prngBytes } from '../helpers/prng.js';
import { exec, symlink, type FileTree } from '../helpers/tree.js';
import { vaultOn } from '../helpers/vault.js';

export interface GoldenObject {
  readonly type: ObjectType;
  readonly body: Buffer;
  readonly compress: boolean;
}

/** Low-entropy bytes: zstd shrinks them a lot, and so does git (the fixtures stay small in the repository). */
function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * seed + (i >> 9)) & 0xff;
  return b;
}

/** Every type and every way a record is stored: zstd, raw because zstd did not pay, too small, empty, big raw. */
export function goldenObjects(): GoldenObject[] {
  const text = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(40));
  return [
    { type: 'blob', body: text, compress: true },
    { type: 'blob', body: prngBytes(99, 5000), compress: true },
    { type: 'blob', body: Buffer.from('x'), compress: true },
    { type: 'blob', body: Buffer.alloc(0), compress: false },
    { type: 'chunk', body: pattern(70_000, 7), compress: true },
    // stored raw and over 256 KiB: the writer sends it to the file directly instead of through its buffer
    { type: 'chunk', body: pattern(270_000, 13), compress: false },
    { type: 'chunk', body: Buffer.concat([text, Buffer.from('!')]), compress: false },
    { type: 'chunklist', body: Buffer.concat([Buffer.alloc(12, 1), pattern(36 * 3, 3)]), compress: true },
    { type: 'tree', body: Buffer.from('[{"name":"a.txt","kind":"file"}]'.repeat(8)), compress: true },
    { type: 'snapshot', body: Buffer.from('{"tree":"00","message":"golden"}'.repeat(4)), compress: true },
  ];
}

/** A small project: blobs, a chunked file, an exec, a symlink, an empty file and folder, a non-ASCII name. */
export function goldenTree(): FileTree {
  return {
    'README.md': '# golden\n',
    'empty.txt': '',
    Art: { 'hero.psd': pattern(200_000, 5), 'icon.png': prngBytes(3, 3000), Layers: {} },
    Scripts: { 'build.sh': exec('#!/bin/sh\necho build\n') },
    'latest.psd': symlink('Art/hero.psd'),
    Ünïcødé: { '日本語.txt': 'こんにちは\n' },
  };
}

/** The chunker of the golden vault: small files up to 4 KiB, 16 KiB chunks on average. */
export function goldenChunker(): FileTypeAwareChunker {
  return new FileTypeAwareChunker({ smallFileMax: 4096, cdcAvgSize: 16384, mediaAvgSize: 16384 });
}

const settle = () => new Promise<void>((r) => setImmediate(r));

/** The golden objects through the object database's writer, in order, into one pack. */
export async function writeWithWriter(db: ObjectDatabase): Promise<void> {
  const w = db.writer();
  for (const o of goldenObjects()) {
    await w.put(o.type, o.body, { compress: o.compress });
    await settle(); // appended before the next one: the order in the pack is the order here
  }
  await w.flush();
}

/** The golden objects as records copied by gc/prune (encoded by the database, written by the pack builder). */
export async function writeWithBuilder(db: ObjectDatabase): Promise<void> {
  const b = new PackBuilder(db.fs, db.paths, db.packSize);
  for (const o of goldenObjects()) {
    const rec = await encodePayload(new Uint8Array(o.body), o.compress, db.codec, db.level);
    await b.add({
      id: hashObject(o.type, o.body),
      type: o.type,
      codec: rec.codec,
      rawLength: o.body.length,
      payload: Buffer.from(rec.payload),
    });
  }
  await b.finish();
}

/** The golden objects as loose objects (hash-object -w). */
export async function writeLooseObjects(db: ObjectDatabase): Promise<string[]> {
  const ids: string[] = [];
  for (const o of goldenObjects()) ids.push(await db.writeLoose(o.type, o.body, o.compress));
  return ids;
}

/**
 * A database whose codec has zstd loaded already (loading it takes a while, and would reorder the first records).
 * The wasm build on every runtime: the fixtures' zstd frames are zstd-codec's (zstd 1.3), and node's native zstd
 * (1.5) writes other bytes for the same input, as valid (each reads the other's: test/plumbing/zstd.test.ts).
 */
export async function openDb(fs: FsPromises, vaultDir: string): Promise<ObjectDatabase> {
  const codec = new InlineCodec('wasm');
  await codec.compress(new Uint8Array(100), 3);
  return ObjectDatabase.open({ fs, vaultDir, codec });
}

async function copyOut(fs: FsPromises, from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of (await fs.readdir(from)) as string[]) {
    const st = await fs.lstat(`${from}/${name}`);
    if (st.isDirectory()) await copyOut(fs, `${from}/${name}`, join(to, name));
    else await writeFile(join(to, name), (await fs.readFile(`${from}/${name}`)) as Buffer);
  }
}

/** Write every fixture into `out`: writer/, builder/, loose/ (each a vault folder) and vault/ (a committed one). */
export async function writeGolden(out: string): Promise<void> {
  const { fs } = memFs();
  await writeWithWriter(await openDb(fs, '/writer'));
  await writeWithBuilder(await openDb(fs, '/builder'));
  await writeLooseObjects(await openDb(fs, '/loose'));
  const t = await vaultOn(fs, '/work', goldenTree(), { chunker: goldenChunker(), mtime: 1_600_000_000_000 });
  await commit({ vault: t.vault, message: 'golden' });
  for (const d of ['writer', 'builder', 'loose']) await copyOut(fs, `/${d}`, join(out, d));
  await copyOut(fs, '/work/.vault', join(out, 'vault'));
}

if (process.argv[1]?.endsWith('packGolden.ts') && process.argv[2]) await writeGolden(process.argv[2]);
