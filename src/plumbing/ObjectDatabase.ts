import { randomBytes } from 'node:crypto';
import { CorruptObjectError, MalformedObjectError, ObjectNotFoundError, fsError } from '../errors.js';
import { hashObject, isObjectId } from '../objects/hashObject.js';
import { TYPE_CODE, typeFromCode, type ObjectId, type ObjectType } from '../objects/types.js';
import type { Codec } from './codec.js';
import { MAX_INPUT } from './zstd.js';
import { InlineCodec } from './codec.js';
import { fsyncDir, isNotFound, joinPath, readFully, writeFileAtomic, type FileHandle, type FsPromises } from './fs.js';
import { vaultPaths, type VaultPaths } from './layout.js';
import { BufferPool } from './bufferPool.js';
import type { SharedIdSet } from './sharedIdSet.js';
import { PACK_MAGIC, decodePackIndex, encodePackIndex, type PackEntry } from './packIndex.js';

import { CODEC_RAW, CODEC_ZSTD, RECORD_HEADER, encodeRecordHeader, recordHeaderMismatch } from './objectCodes.js';
export { CODEC_RAW, CODEC_ZSTD };

/** Where an object lives: a pack (by number) and its entry. */
interface Location {
  readonly pack: number;
  readonly entry: PackEntry;
}

export interface StoredObject {
  readonly type: ObjectType;
  readonly body: Buffer;
}

export interface ObjectDatabaseOptions {
  fs: FsPromises;
  vaultDir: string;
  codec?: Codec;
  /** zstd level for new objects */
  level?: number;
  /** a pack is sealed once it reaches this many bytes */
  packSize?: number;
  /** false: do not read pack indexes (a worker that only writes) */
  loadIndex?: boolean;
}

const LOOSE_HEADER = 7; // 'V' type codec u32 rawLength

/**
 * The object database: loose objects (`objects/ab/cdef...`) and packs
 * (`packs/pack-*.pack` + `.idx`). Every read re-hashes the object and fails
 * with CorruptObjectError on a mismatch. Writes of many objects go through an
 * ObjectWriter that streams them into packs.
 */
export class ObjectDatabase {
  readonly fs: FsPromises;
  readonly paths: VaultPaths;
  readonly codec: Codec;
  readonly level: number;
  readonly packSize: number;
  private index = new Map<string, Location>();
  /** ids of loose objects, listed at open (there are few: plumbing writes them) */
  private loose = new Set<string>();
  private packNames: string[] = [];
  private handles = new Map<number, Promise<FileHandle>>();
  /** packs whose index could not be read: their objects are invisible until `vault repair` */
  readonly damagedPacks: { name: string; reason: string }[] = [];

  private constructor(opts: ObjectDatabaseOptions) {
    this.fs = opts.fs;
    this.paths = vaultPaths(opts.vaultDir);
    this.codec = opts.codec ?? new InlineCodec();
    this.level = opts.level ?? 3;
    this.packSize = opts.packSize ?? 64 * 1024 * 1024;
  }

  /**
   * Open the database. Pack indexes are read lazily, on the first operation
   * that needs them (`ready()`): a commit that finds nothing changed never
   * reads them. `loadIndex: false` never reads them (a worker that only writes).
   */
  static async open(opts: ObjectDatabaseOptions): Promise<ObjectDatabase> {
    const db = new ObjectDatabase(opts);
    if (opts.loadIndex === false) db.loading = Promise.resolve();
    return db;
  }

  private loading?: Promise<void>;
  private loaded = false;

  /** Read every pack index and list loose objects, once. Every async accessor calls it. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      await this.loadPacks();
      for (const id of await this.listLoose()) this.loose.add(id);
      this.loaded = true;
    })();
    return this.loading;
  }

  /** Sync accessors need the index: call `await db.ready()` first. */
  private need(): void {
    if (!this.loaded && this.loading === undefined)
      throw new Error('ObjectDatabase: index not loaded; await db.ready() first');
  }

  /** (Re)load every pack index. A pack without an index is invisible (an unfinished write). */
  async loadPacks(): Promise<void> {
    let names: string[] = [];
    try {
      names = (await this.fs.readdir(this.paths.packs)) as string[];
    } catch (e) {
      if (!isNotFound(e)) throw fsError(e, 'list', this.paths.packs);
    }
    const idx = names.filter((n) => n.startsWith('pack-') && n.endsWith('.idx')).sort();
    for (const n of idx) {
      const name = n.slice(0, -4);
      if (this.packNames.includes(name)) continue;
      try {
        const buf = (await this.fs.readFile(joinPath(this.paths.packs, n))) as Buffer;
        this.addPack(name, decodePackIndex(buf, n));
      } catch (e) {
        if (!(e instanceof MalformedObjectError) && !isNotFound(e)) throw fsError(e, 'read', n);
        if (!this.damagedPacks.some((d) => d.name === name))
          this.damagedPacks.push({ name, reason: (e as Error).message });
      }
    }
  }

  private addPack(name: string, entries: PackEntry[]): void {
    const pack = this.packNames.push(name) - 1;
    for (const entry of entries) if (!this.index.has(entry.id)) this.index.set(entry.id, { pack, entry });
  }

  get packCount(): number {
    this.need();
    return this.packNames.length;
  }

  /** Every packed object (id, type, sizes); loose objects are listed by listLoose(). */
  *packedEntries(): IterableIterator<PackEntry & { pack: string }> {
    this.need();
    for (const [, loc] of this.index) yield { ...loc.entry, pack: this.packNames[loc.pack] };
  }

  /** Where a packed object is (pack file path and index entry); null for loose or missing ones. */
  locate(id: ObjectId): { packPath: string; entry: PackEntry } | null {
    this.need();
    const loc = this.index.get(id);
    return loc ? { packPath: joinPath(this.paths.packs, `${this.packNames[loc.pack]}.pack`), entry: loc.entry } : null;
  }

  hasPacked(id: ObjectId): boolean {
    this.need();
    return this.index.has(id);
  }

  looseObjectPath(id: ObjectId): string {
    return joinPath(this.paths.objects, id.slice(0, 2), id.slice(2));
  }

  /** Whether the object is stored (as this process knows the vault: packs and loose objects seen at open or written since). */
  contains(id: ObjectId): boolean {
    this.need();
    return this.index.has(id) || this.loose.has(id);
  }

  async has(id: ObjectId): Promise<boolean> {
    await this.ready();
    if (this.contains(id)) return true;
    try {
      await this.fs.stat(this.looseObjectPath(id));
      this.loose.add(id);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw fsError(e, 'stat', this.looseObjectPath(id));
    }
  }

  /** The type of an object without reading its body (packed), or by reading its header (loose). */
  async typeOf(id: ObjectId): Promise<ObjectType> {
    await this.ready();
    const loc = this.index.get(id);
    if (loc) return loc.entry.type;
    return (await this.read(id)).type;
  }

  async listLoose(prefix = ''): Promise<ObjectId[]> {
    const out: ObjectId[] = [];
    let fans: string[];
    try {
      fans = (await this.fs.readdir(this.paths.objects)) as string[];
    } catch (e) {
      if (isNotFound(e)) return out;
      throw e;
    }
    for (const fan of fans) {
      if (
        !/^[0-9a-f]{2}$/.test(fan) ||
        !(fan.startsWith(prefix.slice(0, 2)) || (prefix.length < 2 && fan.startsWith(prefix)))
      )
        continue;
      for (const rest of (await this.fs.readdir(joinPath(this.paths.objects, fan))) as string[]) {
        const id = fan + rest;
        if (isObjectId(id) && id.startsWith(prefix)) out.push(id);
      }
    }
    return out;
  }

  private handle(pack: number): Promise<FileHandle> {
    let h = this.handles.get(pack);
    if (!h) {
      h = this.fs.open(joinPath(this.paths.packs, `${this.packNames[pack]}.pack`), 'r');
      h.catch(() => this.handles.delete(pack));
      this.handles.set(pack, h);
    }
    return h;
  }

  /** Read, decompress and verify an object. */
  async read(id: ObjectId): Promise<StoredObject> {
    await this.ready();
    const loc = this.index.get(id);
    if (loc) {
      const { entry } = loc;
      const where = `${this.packNames[loc.pack]}.pack`;
      const fh = await this.handle(loc.pack).catch((e) => {
        if (isNotFound(e)) throw new CorruptObjectError(id, 'its pack file is missing', where);
        throw fsError(e, 'open', where);
      });
      const rec = Buffer.allocUnsafe(entry.length);
      const n = await readFully(fh, rec, 0, entry.length, entry.offset);
      if (n !== entry.length)
        throw new CorruptObjectError(id, `pack is truncated (read ${n} of ${entry.length} bytes)`, where);
      const bad = recordHeaderMismatch(rec, { ...entry, id });
      if (bad) throw new CorruptObjectError(id, bad, where);
      const body = await this.decode(id, entry.codec, rec.subarray(RECORD_HEADER), entry.rawLength, where);
      return this.verify(id, entry.type, body, where);
    }
    const path = this.looseObjectPath(id);
    const rec = await this.readLooseRecord(id);
    const body = await this.decode(id, rec.codec, rec.payload, rec.rawLength, path);
    return this.verify(id, rec.type, body, path);
  }

  /** Read an object that must be of `type`. */
  async readTyped(id: ObjectId, type: ObjectType): Promise<Buffer> {
    const o = await this.read(id);
    if (o.type !== type) throw new MalformedObjectError(type, `object is a ${o.type}, not a ${type}`, id);
    return o.body;
  }

  private async decode(id: string, codec: number, payload: Buffer, rawLength: number, where: string): Promise<Buffer> {
    if (codec === CODEC_RAW) {
      if (payload.length !== rawLength)
        throw new CorruptObjectError(id, `size ${payload.length} != ${rawLength}`, where);
      return payload;
    }
    if (codec !== CODEC_ZSTD) throw new CorruptObjectError(id, `unknown codec ${codec}`, where);
    try {
      const out = await this.codec.decompress(payload, rawLength);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      throw new CorruptObjectError(id, `cannot decompress (${(e as Error).message})`, where);
    }
  }

  private verify(id: string, type: ObjectType, body: Buffer, where: string): StoredObject {
    if (hashObject(type, body) !== id) throw new CorruptObjectError(id, 'content does not match its id', where);
    return { type, body };
  }

  /**
   * Encode a record: compress when asked and when it pays (saves at least 2%).
   * Takes ownership of `body` (it may travel to a worker thread).
   */
  async encodeRecord(
    body: Uint8Array,
    compress: boolean,
    codec: Codec = this.codec,
  ): Promise<{ codec: number; payload: Uint8Array; spare?: ArrayBuffer }> {
    // zstd-codec cannot take inputs above MAX_INPUT in one go: such objects (only ever made by
    // plumbing or a custom chunker) are stored raw rather than refused
    if (compress && body.length >= 64 && body.length <= MAX_INPUT) {
      const r = await codec.compress(body, this.level);
      return { codec: r.compressed ? CODEC_ZSTD : CODEC_RAW, payload: r.data, spare: r.input };
    }
    return { codec: CODEC_RAW, payload: body };
  }

  /** Write one loose object (plumbing: hash-object -w). Returns its id. */
  async writeLoose(type: ObjectType, body: Uint8Array, compress = true): Promise<ObjectId> {
    const id = hashObject(type, body);
    if (await this.has(id)) return id;
    const { codec, payload } = await this.encodeRecord(new Uint8Array(body), compress);
    const head = Buffer.alloc(LOOSE_HEADER);
    head[0] = 0x56;
    head[1] = TYPE_CODE[type];
    head[2] = codec;
    head.writeUInt32BE(body.length, 3);
    const path = this.looseObjectPath(id);
    await this.fs.mkdir(joinPath(this.paths.objects, id.slice(0, 2)), { recursive: true });
    await writeFileAtomic(this.fs, path, Buffer.concat([head, payload]), { mode: 0o444 });
    this.loose.add(id);
    return id;
  }

  /** Every id this process knows to be stored. */
  *ids(): IterableIterator<ObjectId> {
    this.need();
    yield* this.index.keys();
    yield* this.loose;
  }

  /** Start a batch of writes that go into new pack files. */
  writer(opts: WriterOptions = {}): ObjectWriter {
    return new ObjectWriter(this, opts);
  }

  /** Called by ObjectWriter once a pack and its index are durable. */
  publishPack(name: string, entries: PackEntry[]): void {
    this.addPack(name, entries);
  }

  /** Names (without extension) of the packs whose index was loaded, in load order. */
  packNamesLoaded(): string[] {
    this.need();
    return [...this.packNames];
  }

  /** How many loose objects this process knows of (listed at open, or written since). */
  get looseCount(): number {
    this.need();
    return this.loose.size;
  }

  /**
   * Decode a stored record's payload and check it hashes to `id` (or, when `id`
   * is null, just decode it and return the id it hashes to). Used by gc, prune
   * and repair to copy or re-index records without trusting them.
   */
  async decodeRecord(
    id: ObjectId | null,
    type: ObjectType,
    codec: number,
    payload: Buffer,
    rawLength: number,
    where: string,
  ): Promise<{ id: ObjectId; body: Buffer }> {
    const body = await this.decode(id ?? 'record', codec, payload, rawLength, where);
    const actual = hashObject(type, body);
    if (id !== null && actual !== id) throw new CorruptObjectError(id, 'content does not match its id', where);
    return { id: actual, body };
  }

  /** The raw stored form of a loose object (header checked, content not verified). */
  async readLooseRecord(
    id: ObjectId,
  ): Promise<{ type: ObjectType; codec: number; rawLength: number; payload: Buffer }> {
    const path = this.looseObjectPath(id);
    let buf: Buffer;
    try {
      buf = (await this.fs.readFile(path)) as Buffer;
    } catch (e) {
      if (isNotFound(e)) throw new ObjectNotFoundError(id);
      throw fsError(e, 'read', path);
    }
    if (buf.length < LOOSE_HEADER || buf[0] !== 0x56) throw new CorruptObjectError(id, 'bad loose object header', path);
    const type = typeFromCode(buf[1]);
    if (!type) throw new CorruptObjectError(id, `unknown type code ${buf[1]}`, path);
    return { type, codec: buf[2], rawLength: buf.readUInt32BE(3), payload: buf.subarray(LOOSE_HEADER) };
  }

  /**
   * Forget everything loaded (pack indexes, loose listing, open pack handles)
   * and read it again: after gc, prune or repair changed the pack set.
   */
  async reload(): Promise<void> {
    await this.close();
    this.index = new Map();
    this.loose = new Set();
    this.packNames = [];
    this.damagedPacks.length = 0;
    this.loaded = false;
    this.loading = undefined;
    await this.ready();
  }

  async close(): Promise<void> {
    for (const h of this.handles.values()) await (await h.catch(() => undefined))?.close().catch(() => {});
    this.handles.clear();
  }
}

export interface WriterStats {
  /** objects newly stored */
  objects: number;
  /** uncompressed bytes of the new objects */
  rawBytes: number;
  /** bytes the new objects take on disk */
  storedBytes: number;
}

export interface WriterOptions {
  /** dedup across threads: an id is stored by whoever adds it to this set first */
  shared?: SharedIdSet;
  /** told about each pack once it is sealed and indexed */
  onSeal?: (name: string, entries: PackEntry[]) => void;
  /** raw bytes queued for compression/writing before put() waits (default 24 MiB) */
  maxInflight?: number;
  /** compress with this codec instead of the database's (e.g. inline on a thread that is itself a worker) */
  codec?: Codec;
}

interface OpenPack {
  fh: FileHandle;
  tmp: string;
  /** bytes in the pack, including those still in `pend` */
  size: number;
  /** bytes already written to the file */
  written: number;
  /** small records are gathered here and written in one call */
  pend: Buffer;
  pendLen: number;
  entries: PackEntry[];
}

const PEND = 1024 * 1024;

/**
 * Streams new objects into pack files. `put` dedups against the database and
 * against objects already queued, copies the bytes into a pooled buffer,
 * compresses off-thread, and applies back-pressure. A full pack is sealed in
 * the background (fsync, rename, index) while the next one fills; it becomes
 * visible only once its index is written. `flush` seals the last one: until
 * then nothing the batch wrote is referenced by anything.
 */
export class ObjectWriter {
  readonly stats: WriterStats = { objects: 0, rawBytes: 0, storedBytes: 0 };
  private queued = new Set<string>();
  private inflight = new Set<Promise<void>>();
  private inflightBytes = 0;
  private waiters: (() => void)[] = [];
  private tail: Promise<void> = Promise.resolve();
  private sealing = new Set<Promise<void>>();
  private failed?: Error;
  private cur?: OpenPack;
  private spare?: Buffer;
  private readonly pool = new BufferPool(3);
  private readonly maxInflight: number;

  constructor(
    private readonly db: ObjectDatabase,
    private readonly opts: WriterOptions = {},
  ) {
    this.maxInflight = opts.maxInflight ?? 24 * 1024 * 1024;
  }

  /** True when the object is already stored or queued (here, or by another writer sharing the set). */
  async known(id: ObjectId): Promise<boolean> {
    await this.db.ready();
    return this.queued.has(id) || this.db.contains(id) || (this.opts.shared?.has(id) ?? false);
  }

  /**
   * Store an object unless it exists. `body` is only borrowed: it is copied
   * before the returned promise settles, so the caller may reuse its memory then.
   * Resolves once queued, not once written.
   */
  async put(type: ObjectType, body: Uint8Array, opts: { compress?: boolean; id?: ObjectId } = {}): Promise<ObjectId> {
    if (this.failed) throw this.failed;
    const id = opts.id ?? hashObject(type, body);
    await this.db.ready();
    // from here to queued.add nothing awaits: a concurrent put of the same id stops at this check
    if (this.queued.has(id) || this.db.contains(id)) return id;
    if (this.opts.shared && !this.opts.shared.add(id)) return id;
    this.queued.add(id);
    const copy = this.pool.take(body.length);
    copy.set(body);
    const rawLength = body.length;
    while (this.inflightBytes > this.maxInflight && !this.failed) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failed) throw this.failed;
    this.inflightBytes += rawLength;
    const job = this.db
      .encodeRecord(copy, opts.compress !== false, this.opts.codec)
      .then(async (rec) => {
        this.pool.give(rec.spare);
        await this.append(id, type, rawLength, rec.codec, rec.payload);
        this.pool.give(rec.payload.buffer);
      })
      .catch((e: Error) => {
        this.failed ??= e;
      })
      .finally(() => {
        this.inflightBytes -= rawLength;
        this.inflight.delete(job);
        const w = this.waiters.splice(0);
        for (const f of w) f();
      });
    this.inflight.add(job);
    return id;
  }

  private append(id: string, type: ObjectType, rawLength: number, codec: number, payload: Uint8Array): Promise<void> {
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      const { paths, fs } = this.db;
      if (!this.cur) {
        await fs.mkdir(paths.packs, { recursive: true });
        const tmp = joinPath(paths.packs, `tmp-${randomBytes(8).toString('hex')}.pack`);
        const fh = await fs.open(tmp, 'wx', 0o444).catch((e) => {
          throw fsError(e, 'create', tmp);
        });
        this.cur = {
          fh,
          tmp,
          size: 0,
          written: 0,
          pend: this.spare ?? Buffer.allocUnsafe(PEND),
          pendLen: 0,
          entries: [],
        };
        this.spare = undefined;
        await this.write(this.cur, Buffer.from(PACK_MAGIC, 'latin1'));
      }
      const c = this.cur;
      const offset = c.size;
      await this.write(c, encodeRecordHeader(codec, type, rawLength, payload.length));
      await this.write(c, payload);
      c.entries.push({ id, offset, length: payload.length + RECORD_HEADER, rawLength, type, codec });
      this.stats.objects++;
      this.stats.rawBytes += rawLength;
      this.stats.storedBytes += payload.length + RECORD_HEADER;
      if (c.size >= this.db.packSize) {
        this.cur = undefined;
        const s: Promise<void> = this.seal(c)
          .catch((e: Error) => {
            this.failed ??= e;
          })
          .finally(() => this.sealing.delete(s));
        this.sealing.add(s);
      }
    });
    return this.tail;
  }

  private async write(c: OpenPack, buf: Uint8Array): Promise<void> {
    if (c.pendLen + buf.length > c.pend.length || buf.length >= PEND / 4) await this.flushPending(c);
    if (buf.length >= PEND / 4) {
      await this.writeAt(c, buf, c.written);
      c.written += buf.length;
    } else {
      c.pend.set(buf, c.pendLen);
      c.pendLen += buf.length;
    }
    c.size += buf.length;
  }

  private async flushPending(c: OpenPack): Promise<void> {
    if (!c.pendLen) return;
    await this.writeAt(c, c.pend.subarray(0, c.pendLen), c.written);
    c.written += c.pendLen;
    c.pendLen = 0;
  }

  private async writeAt(c: OpenPack, buf: Uint8Array, pos: number): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await c.fh.write(buf, off, buf.length - off, pos + off).catch((e) => {
        throw fsError(e, 'write', c.tmp);
      });
      off += bytesWritten;
    }
  }

  /** Make a pack durable, then give it an index and publish it. */
  private async seal(c: OpenPack): Promise<void> {
    const { fs, paths } = this.db;
    try {
      await this.flushPending(c);
      this.spare = c.pend;
      await c.fh.sync();
      await c.fh.close();
    } catch (e) {
      await c.fh.close().catch(() => {});
      await fs.unlink(c.tmp).catch(() => {});
      throw fsError(e, 'sync', c.tmp);
    }
    const name = `pack-${randomBytes(16).toString('hex')}`;
    const packPath = joinPath(paths.packs, `${name}.pack`);
    try {
      await fs.rename(c.tmp, packPath);
      await fsyncDir(fs, paths.packs);
    } catch (e) {
      await fs.unlink(c.tmp).catch(() => {});
      throw fsError(e, 'seal', packPath);
    }
    await writeFileAtomic(
      fs,
      joinPath(paths.packs, `${name}.idx`),
      encodePackIndex(c.entries, (t) => TYPE_CODE[t]),
      { mode: 0o444 },
    );
    this.db.publishPack(name, c.entries);
    this.opts.onSeal?.(name, c.entries);
    for (const e of c.entries) this.queued.delete(e.id);
  }

  /** Wait for every queued object and seal the last pack. After this, all ids put are readable. */
  async flush(): Promise<WriterStats> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    await this.tail;
    const last = this.cur;
    this.cur = undefined;
    if (last && !this.failed) await this.seal(last).catch((e: Error) => (this.failed ??= e));
    else if (last) this.cur = last;
    await Promise.all([...this.sealing]);
    if (this.failed) {
      await this.abort();
      throw this.failed;
    }
    return this.stats;
  }

  /** Drop the unsealed pack (sealed ones stay: they are valid and reusable by the next commit). */
  async abort(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    await this.tail.catch(() => {});
    await Promise.all([...this.sealing]);
    const c = this.cur;
    this.cur = undefined;
    if (c) {
      await c.fh.close().catch(() => {});
      await this.db.fs.unlink(c.tmp).catch(() => {});
    }
  }
}
