import { CorruptObjectError, fsError } from '../../errors.js';
import { hashObject } from '../../objects/hashObject.js';
import type { ObjectId, ObjectType } from '../../objects/types.js';
import { joinPath, readFully, type FileHandle, type FsPromises } from '../fs.js';
import type { PackEntry } from './packIndex.js';
import { CODEC_RAW, CODEC_ZSTD, RECORD_HEADER, recordHeaderMismatch, type RawRecord } from './record.js';

/**
 * The verified record reader: every object read from a pack, by the object database, the restore
 * workers, gc, prune and repair, comes through here, and none leaves without its hash checked.
 */

/** What decompresses payloads: a Codec (main thread, maybe off-thread), or zstd inline in a worker. */
export interface Decompressor {
  decompress(data: Uint8Array, rawSize: number): Uint8Array | Promise<Uint8Array>;
}

/**
 * Read the record at an index entry (into `into` when it is big enough: the result is then a view of it)
 * and check its header against the entry. Returns the payload, not yet verified.
 */
export async function readRecord(fh: FileHandle, entry: PackEntry, where: string, into?: Buffer): Promise<Buffer> {
  const rec = into && into.length >= entry.length ? into : Buffer.allocUnsafe(entry.length);
  const n = await readFully(fh, rec, 0, entry.length, entry.offset).catch((e) => {
    throw fsError(e, 'read', where);
  });
  if (n !== entry.length)
    throw new CorruptObjectError(entry.id, `pack is truncated (read ${n} of ${entry.length} bytes)`, where);
  const bad = recordHeaderMismatch(rec.subarray(0, entry.length), entry);
  if (bad) throw new CorruptObjectError(entry.id, bad, where);
  return rec.subarray(RECORD_HEADER, entry.length);
}

/** A payload decoded to the object's body (its length checked, not its hash). `id` only names it in errors. */
export async function decodePayload(
  id: string,
  codec: number,
  payload: Uint8Array,
  rawLength: number,
  where: string,
  d: Decompressor,
): Promise<Buffer> {
  let body: Uint8Array;
  if (codec === CODEC_RAW) body = payload;
  else if (codec === CODEC_ZSTD) {
    try {
      body = await d.decompress(payload, rawLength);
    } catch (e) {
      throw new CorruptObjectError(id, `cannot decompress (${(e as Error).message})`, where);
    }
  } else throw new CorruptObjectError(id, `unknown codec ${codec}`, where);
  if (body.length !== rawLength) throw new CorruptObjectError(id, `size ${body.length} != ${rawLength}`, where);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** A payload decoded and checked to hash to `id`: the object's body, or CorruptObjectError. */
export async function verifyRecord(
  id: ObjectId,
  type: ObjectType,
  codec: number,
  payload: Uint8Array,
  rawLength: number,
  where: string,
  d: Decompressor,
): Promise<Buffer> {
  const body = await decodePayload(id, codec, payload, rawLength, where, d);
  if (hashObject(type, body) !== id) throw new CorruptObjectError(id, 'content does not match its id', where);
  return body;
}

/** Read, decode and verify the record at an index entry: the object's body (a view of `into` when given). */
export async function readVerifiedRecord(
  fh: FileHandle,
  entry: PackEntry,
  where: string,
  d: Decompressor,
  into?: Buffer,
): Promise<Buffer> {
  const payload = await readRecord(fh, entry, where, into);
  return verifyRecord(entry.id, entry.type, entry.codec, payload, entry.rawLength, where, d);
}

/** Where packs are and how to decompress them (an ObjectDatabase is one). */
export interface PackSource {
  readonly fs: FsPromises;
  readonly paths: { readonly packs: string };
  readonly codec: Decompressor;
}

/**
 * The records of `entries` that `want` keeps, read from pack `name` and each
 * decompressed and re-hashed before it may be copied (gc's repack and prune's
 * rewrite both copy records into new packs). null when a record is corrupt: the
 * caller leaves that pack alone rather than carry damage forward.
 */
export async function readVerifiedRecords(
  src: PackSource,
  name: string,
  entries: readonly PackEntry[],
  want: (e: PackEntry) => boolean,
): Promise<RawRecord[] | null> {
  const where = `${name}.pack`;
  const fh = await src.fs.open(joinPath(src.paths.packs, where), 'r').catch((e) => {
    throw fsError(e, 'open', where);
  });
  const recs: RawRecord[] = [];
  try {
    for (const e of entries) {
      if (!want(e)) continue;
      try {
        const payload = await readRecord(fh, e, where);
        await verifyRecord(e.id, e.type, e.codec, payload, e.rawLength, where, src.codec);
        recs.push({ id: e.id, type: e.type, codec: e.codec, rawLength: e.rawLength, payload });
      } catch (err) {
        if ((err as { code?: string }).code !== 'ECORRUPT') throw err;
        return null;
      }
    }
  } finally {
    await fh.close().catch(() => {});
  }
  return recs;
}
