import { randomBytes } from 'node:crypto';
import { CorruptObjectError, fsError } from '../errors.js';
import { TYPE_CODE, typeFromCode, type ObjectId, type ObjectType } from '../objects/types.js';
import { fsyncDir, isNotFound, joinPath, readFully, writeFileAtomic, type FileHandle, type FsPromises } from './fs.js';
import type { VaultPaths } from './layout.js';
import type { ObjectDatabase } from './ObjectDatabase.js';
import { CODEC_RAW, CODEC_ZSTD, RECORD_HEADER, encodeRecordHeader, recordHeaderMismatch } from './objectCodes.js';
import { PACK_MAGIC, decodePackIndex, encodePackIndex, type PackEntry } from './packIndex.js';

/**
 * Whole-pack operations used by gc, prune and repair: list the pack folder,
 * write new packs from already-encoded records (no recompression), remove a
 * pack (index first, so it is never visible without its data), and re-index a
 * pack by reading its self-describing records.
 */

/** One stored record: what a pack holds for an object. */
export interface RawRecord {
  readonly id: ObjectId;
  readonly type: ObjectType;
  readonly codec: number;
  readonly rawLength: number;
  readonly payload: Buffer;
}

export interface PackDir {
  /** pack names (without extension) that have a .pack file */
  readonly packs: Set<string>;
  /** pack names that have a .idx file */
  readonly indexes: Set<string>;
  /** leftovers of killed writers: tmp-*.pack and *.tmp-* files */
  readonly temps: string[];
  /** size of each .pack file */
  readonly sizes: Map<string, number>;
  /** modification time of each .pack file (ms) */
  readonly mtimes: Map<string, number>;
}

/** List `packs/`. A listing failure is an error, never an empty result (callers delete based on it). */
export async function listPackDir(fs: FsPromises, paths: VaultPaths): Promise<PackDir> {
  let names: string[];
  try {
    names = (await fs.readdir(paths.packs)) as string[];
  } catch (e) {
    if (isNotFound(e)) return { packs: new Set(), indexes: new Set(), temps: [], sizes: new Map(), mtimes: new Map() };
    throw fsError(e, 'list', paths.packs);
  }
  const dir: PackDir = { packs: new Set(), indexes: new Set(), temps: [], sizes: new Map(), mtimes: new Map() };
  for (const n of names.sort()) {
    if (n.startsWith('tmp-') || n.includes('.tmp-')) dir.temps.push(n);
    else if (n.startsWith('pack-') && n.endsWith('.pack')) dir.packs.add(n.slice(0, -5));
    else if (n.startsWith('pack-') && n.endsWith('.idx')) dir.indexes.add(n.slice(0, -4));
  }
  for (const name of dir.packs) {
    try {
      const st = await fs.stat(joinPath(paths.packs, `${name}.pack`));
      dir.sizes.set(name, st.size);
      dir.mtimes.set(name, st.mtimeMs);
    } catch (e) {
      throw fsError(e, 'stat', `${name}.pack`);
    }
  }
  return dir;
}

export async function readIndexFile(fs: FsPromises, paths: VaultPaths, name: string): Promise<PackEntry[]> {
  const file = joinPath(paths.packs, `${name}.idx`);
  let buf: Buffer;
  try {
    buf = (await fs.readFile(file)) as Buffer;
  } catch (e) {
    throw fsError(e, 'read', file);
  }
  return decodePackIndex(buf, `${name}.idx`);
}

/** Remove a pack: its index first (the pack stops being visible), then the data. */
export async function removePack(fs: FsPromises, paths: VaultPaths, name: string): Promise<void> {
  for (const ext of ['idx', 'pack']) {
    const file = joinPath(paths.packs, `${name}.${ext}`);
    await fs.unlink(file).catch((e) => {
      if (!isNotFound(e)) throw fsError(e, 'remove', file);
    });
    await fsyncDir(fs, paths.packs);
  }
}

/** Read one record's payload at an index entry (header checked against the entry). */
export async function readRecordAt(fh: FileHandle, entry: PackEntry, where: string): Promise<Buffer> {
  const rec = Buffer.allocUnsafe(entry.length);
  const n = await readFully(fh, rec, 0, entry.length, entry.offset).catch((e) => {
    throw fsError(e, 'read', where);
  });
  if (n !== entry.length)
    throw new CorruptObjectError(entry.id, `pack is truncated (read ${n} of ${entry.length} bytes)`, where);
  const bad = recordHeaderMismatch(rec, entry);
  if (bad) throw new CorruptObjectError(entry.id, bad, where);
  return rec.subarray(RECORD_HEADER);
}

/**
 * The records of `entries` that `want` keeps, read from pack `name` and each
 * decompressed and re-hashed before it may be copied (gc's repack and prune's
 * rewrite both copy records into new packs). null when a record is corrupt: the
 * caller leaves that pack alone rather than carry damage forward.
 */
export async function readVerifiedRecords(
  db: ObjectDatabase,
  name: string,
  entries: readonly PackEntry[],
  want: (e: PackEntry) => boolean,
): Promise<RawRecord[] | null> {
  const where = `${name}.pack`;
  const fh = await db.fs.open(joinPath(db.paths.packs, where), 'r').catch((e) => {
    throw fsError(e, 'open', where);
  });
  const recs: RawRecord[] = [];
  try {
    for (const e of entries) {
      if (!want(e)) continue;
      try {
        const payload = await readRecordAt(fh, e, where);
        await db.decodeRecord(e.id, e.type, e.codec, payload, e.rawLength, where);
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

export interface SealedPack {
  readonly name: string;
  readonly entries: PackEntry[];
}

/**
 * Writes records into new packs: temp file, fsync, rename to pack-*.pack,
 * fsync the folder, then the index (atomically). A pack is visible only once
 * its index exists, so a writer killed at any point leaves either nothing
 * visible or a complete pack. Packs roll over at `packSize` bytes.
 */
export class PackBuilder {
  readonly sealed: SealedPack[] = [];
  private fh?: FileHandle;
  private tmp = '';
  private size = 0;
  private entries: PackEntry[] = [];
  private ids = new Set<string>();

  constructor(
    private readonly fs: FsPromises,
    private readonly paths: VaultPaths,
    private readonly packSize: number,
  ) {}

  has(id: ObjectId): boolean {
    return this.ids.has(id);
  }

  get count(): number {
    return this.ids.size;
  }

  async add(rec: RawRecord): Promise<void> {
    if (this.ids.has(rec.id)) return;
    if (!this.fh) {
      await this.fs.mkdir(this.paths.packs, { recursive: true });
      this.tmp = joinPath(this.paths.packs, `tmp-${randomBytes(8).toString('hex')}.pack`);
      this.fh = await this.fs.open(this.tmp, 'wx', 0o444).catch((e) => {
        throw fsError(e, 'create', this.tmp);
      });
      this.size = 0;
      this.entries = [];
      await this.write(Buffer.from(PACK_MAGIC, 'latin1'));
    }
    const offset = this.size;
    await this.write(
      Buffer.concat([encodeRecordHeader(rec.codec, rec.type, rec.rawLength, rec.payload.length), rec.payload]),
    );
    this.entries.push({
      id: rec.id,
      offset,
      length: rec.payload.length + RECORD_HEADER,
      rawLength: rec.rawLength,
      type: rec.type,
      codec: rec.codec,
    });
    this.ids.add(rec.id);
    if (this.size >= this.packSize) await this.seal();
  }

  private async write(buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh!.write(buf, off, buf.length - off, this.size + off).catch((e) => {
        throw fsError(e, 'write', this.tmp);
      });
      off += bytesWritten;
    }
    this.size += buf.length;
  }

  private async seal(): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    this.fh = undefined;
    const tmp = this.tmp;
    try {
      await fh.sync();
      await fh.close();
    } catch (e) {
      await fh.close().catch(() => {});
      await this.fs.unlink(tmp).catch(() => {});
      throw fsError(e, 'sync', tmp);
    }
    const name = `pack-${randomBytes(16).toString('hex')}`;
    try {
      await this.fs.rename(tmp, joinPath(this.paths.packs, `${name}.pack`));
      await fsyncDir(this.fs, this.paths.packs);
    } catch (e) {
      await this.fs.unlink(tmp).catch(() => {});
      throw fsError(e, 'rename', tmp);
    }
    // an index that fails to be written leaves an invisible pack: gc indexes or removes it later
    await writeFileAtomic(
      this.fs,
      joinPath(this.paths.packs, `${name}.idx`),
      encodePackIndex(this.entries, (t) => TYPE_CODE[t]),
      { mode: 0o444 },
    );
    this.sealed.push({ name, entries: this.entries });
  }

  /** Seal the last pack; after this every record added is durable and visible (to a reloaded database). */
  async finish(): Promise<SealedPack[]> {
    await this.seal();
    return this.sealed;
  }

  /** Drop the unsealed pack (sealed ones are valid and stay). */
  async abort(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh) {
      await fh.close().catch(() => {});
      await this.fs.unlink(this.tmp).catch(() => {});
    }
  }
}

export interface ScannedPack {
  /** records that decode and hash correctly, with their recovered ids */
  readonly entries: PackEntry[];
  /** byte ranges that could not be read as records */
  readonly bad: { offset: number; length: number; reason: string }[];
}

/** Whether a record header at `o` is plausible (cheap check before trying to decode it). */
function plausible(buf: Buffer, o: number): boolean {
  if (o + RECORD_HEADER > buf.length) return false;
  const codec = buf[o];
  if (codec !== CODEC_RAW && codec !== CODEC_ZSTD) return false;
  if (!typeFromCode(buf[o + 1])) return false;
  const raw = buf.readUInt32BE(o + 2);
  const len = buf.readUInt32BE(o + 6);
  if (o + RECORD_HEADER + len > buf.length) return false;
  if (codec === CODEC_RAW && raw !== len) return false;
  if (codec === CODEC_ZSTD && (len === 0 || raw > 64 * 1024 * 1024)) return false;
  return true;
}

/**
 * Re-index a pack from its bytes: read records front to back, decode and hash
 * each to recover its id. An unreadable record is skipped by searching forward
 * for the next header that decodes and hashes correctly (bounded by
 * `maxProbes` decode attempts), so one damaged record loses only itself.
 */
export async function scanPack(
  db: ObjectDatabase,
  buf: Buffer,
  name: string,
  maxProbes = 100_000,
): Promise<ScannedPack> {
  const entries: PackEntry[] = [];
  const bad: ScannedPack['bad'] = [];
  if (buf.length < PACK_MAGIC.length || buf.toString('latin1', 0, PACK_MAGIC.length) !== PACK_MAGIC) {
    bad.push({ offset: 0, length: Math.min(buf.length, PACK_MAGIC.length), reason: 'bad pack header' });
  }
  let o = PACK_MAGIC.length;
  let probes = 0;
  const tryAt = async (at: number): Promise<PackEntry | null> => {
    if (!plausible(buf, at)) return null;
    probes++;
    const type = typeFromCode(buf[at + 1])!;
    const codec = buf[at];
    const rawLength = buf.readUInt32BE(at + 2);
    const len = buf.readUInt32BE(at + 6);
    try {
      const { id } = await db.decodeRecord(
        null,
        type,
        codec,
        buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len),
        rawLength,
        name,
      );
      return { id, offset: at, length: len + RECORD_HEADER, rawLength, type, codec };
    } catch {
      return null;
    }
  };
  while (o < buf.length) {
    const e = await tryAt(o);
    if (e) {
      entries.push(e);
      o += e.length;
      continue;
    }
    // damaged: look for the next record that proves itself by its hash
    let next = -1;
    for (let p = o + 1; p < buf.length && probes < maxProbes; p++) {
      const f = await tryAt(p);
      if (f) {
        next = p;
        break;
      }
    }
    const end = next < 0 ? buf.length : next;
    bad.push({ offset: o, length: end - o, reason: 'unreadable record' });
    o = end;
  }
  // the same object twice in one pack (never written so, but harmless): keep the first
  const seen = new Set<string>();
  return { entries: entries.filter((e) => !seen.has(e.id) && seen.add(e.id)), bad };
}
