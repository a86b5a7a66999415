import { nodeCrypto } from '../../builtins.js';
import { fsError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { fsyncDir, joinPath, writeAll, type FileHandle, type FsPromises } from '../fs.js';
import { PackIndexRows, writePackIndex, type RawPackIndex } from './packIndex.js';
import { PACK_MAGIC, RECORD_HEADER, encodeRecordHeader, type RawRecord } from './record.js';

/** A pack once durable and indexed: visible to a database that (re)loads its indexes. */
export interface SealedPack {
  readonly name: string;
  /** its index as stored (inflated): entries sorted by id */
  readonly index: RawPackIndex;
}

/** Small writes are gathered in a buffer of this size and written in one call; big ones go straight to the file. */
const PEND = 1024 * 1024;
const DIRECT = PEND / 4;
/**
 * Gathering buffers of sealed or dropped packs, for the next packs of this thread. A buffer left to the collector
 * per pack was garbage V8 collected late (its JS heap stays small): an initial commit's peak RSS grew with its
 * content, ~1 MiB a pack per thread (172 MiB at 4 GiB, 258 at 16 GiB).
 */
const spare: Buffer[] = [];
const SPARE_MAX = 4;
const NONE = Buffer.alloc(0);

/**
 * The pack writer: one new pack file, filled record by record, then sealed (temp file, fsync, rename to
 * pack-<random>.pack, fsync the folder, then the index, atomically). A pack is visible only once its index
 * exists, so a writer killed at any point leaves either nothing visible or a complete pack.
 * Appends must not overlap (callers chain them); seal or abort once.
 */
export class PackWriter {
  /** records written, in pack order, as index rows */
  private readonly rows = new PackIndexRows();
  /** bytes in the pack, including those still buffered */
  size = 0;
  /** bytes already in the file */
  private written = 0;
  private pend = spare.pop() ?? Buffer.allocUnsafe(PEND);
  private pendLen = 0;

  private constructor(
    private readonly fs: FsPromises,
    private readonly dir: string,
    private readonly fh: FileHandle,
    private readonly tmp: string,
  ) {}

  /** Start a pack in folder `dir` (created if missing). */
  static async create(fs: FsPromises, dir: string): Promise<PackWriter> {
    await fs.mkdir(dir, { recursive: true });
    const tmp = joinPath(dir, `tmp-${nodeCrypto().randomBytes(8).toString('hex')}.pack`);
    const fh = await fs.open(tmp, 'wx', 0o444).catch((e) => {
      throw fsError(e, 'create', tmp);
    });
    const w = new PackWriter(fs, dir, fh, tmp);
    await w.write(Buffer.from(PACK_MAGIC, 'latin1'));
    return w;
  }

  /** records added */
  get count(): number {
    return this.rows.count;
  }

  /** Append one record (its payload already encoded). */
  async add(rec: RawRecord): Promise<void> {
    const offset = this.size;
    await this.write(encodeRecordHeader(rec.codec, rec.type, rec.rawLength, rec.payload.length));
    await this.write(rec.payload);
    const { id, rawLength, type, codec } = rec;
    this.rows.add({ id, offset, length: rec.payload.length + RECORD_HEADER, rawLength, type, codec });
  }

  private async write(buf: Uint8Array): Promise<void> {
    if (this.pendLen + buf.length > this.pend.length || buf.length >= DIRECT) await this.flushPending();
    if (buf.length >= DIRECT) await this.writeOut(buf);
    else {
      this.pend.set(buf, this.pendLen);
      this.pendLen += buf.length;
    }
    this.size += buf.length;
  }

  private async flushPending(): Promise<void> {
    if (!this.pendLen) return;
    await this.writeOut(this.pend.subarray(0, this.pendLen));
    this.pendLen = 0;
  }

  private async writeOut(buf: Uint8Array): Promise<void> {
    await writeAll(this.fh, buf, this.written).catch((e) => {
      throw fsError(e, 'write', this.tmp);
    });
    this.written += buf.length;
  }

  /** Make the pack durable, then give it an index. After this it is visible (to a database that reloads). */
  async seal(): Promise<SealedPack> {
    try {
      await this.flushPending();
      this.release();
      await this.fh.sync();
      await this.fh.close();
    } catch (e) {
      this.release();
      await this.fh.close().catch(() => {});
      await this.fs.unlink(this.tmp).catch(() => {});
      throw fsError(e, 'sync', this.tmp);
    }
    const name = `pack-${nodeCrypto().randomBytes(16).toString('hex')}`;
    const packPath = joinPath(this.dir, `${name}.pack`);
    try {
      await this.fs.rename(this.tmp, packPath);
      await fsyncDir(this.fs, this.dir);
    } catch (e) {
      await this.fs.unlink(this.tmp).catch(() => {});
      throw fsError(e, 'seal', packPath);
    }
    // an index that fails to be written leaves an invisible pack: gc indexes or removes it later
    const index = this.rows.sorted();
    await writePackIndex(this.fs, this.dir, name, index);
    return { name, index };
  }

  /** Give the gathering buffer to the next pack (nothing is written after a seal or an abort). */
  private release(): void {
    if (this.pend !== NONE && spare.length < SPARE_MAX) spare.push(this.pend);
    this.pend = NONE;
    this.pendLen = 0;
  }

  /** Drop the unsealed pack. */
  async abort(): Promise<void> {
    this.release();
    await this.fh.close().catch(() => {});
    await this.fs.unlink(this.tmp).catch(() => {});
  }
}

/**
 * Writes already-encoded records into new packs (gc, prune: copies, no recompression), one at a time,
 * rolling over to a new pack at `packSize` bytes. Each record is stored once.
 */
export class PackBuilder {
  readonly sealed: SealedPack[] = [];
  private cur?: PackWriter;
  private ids = new Set<string>();

  constructor(
    private readonly fs: FsPromises,
    private readonly paths: { readonly packs: string },
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
    this.cur ??= await PackWriter.create(this.fs, this.paths.packs);
    await this.cur.add(rec);
    this.ids.add(rec.id);
    if (this.cur.size >= this.packSize) await this.seal();
  }

  private async seal(): Promise<void> {
    const w = this.cur;
    this.cur = undefined;
    if (w) this.sealed.push(await w.seal());
  }

  /** Seal the last pack; after this every record added is durable and visible (to a reloaded database). */
  async finish(): Promise<SealedPack[]> {
    await this.seal();
    return this.sealed;
  }

  /** Drop the unsealed pack (sealed ones are valid and stay). */
  async abort(): Promise<void> {
    const w = this.cur;
    this.cur = undefined;
    await w?.abort();
  }
}
