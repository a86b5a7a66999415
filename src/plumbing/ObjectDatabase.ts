import { CorruptObjectError, MalformedObjectError, ObjectNotFoundError, fsError } from '../errors.js';
import { hashObject, isObjectId } from '../objects/hashObject.js';
import type { ObjectId, ObjectType } from '../objects/types.js';
import { InlineCodec, type Codec } from './codec.js';
import { isNotFound, joinPath, writeFileAtomic, type FileHandle, type FsPromises } from './fs.js';
import { vaultPaths, type VaultPaths } from './layout.js';
import { ObjectWriter, type WriterOptions } from './ObjectWriter.js';
import {
  decodeLooseObject,
  encodeLooseObject,
  encodePayload,
  findInPackIndex,
  inflatePackIndex,
  packIndexEntry,
  PACK_INDEX_ENTRY,
  PACK_INDEX_START,
  readVerifiedRecord,
  verifyRecord,
  type PackEntry,
  type RawPackIndex,
} from './pack/index.js';
import { PackedIds } from './packedIds.js';
import { TYPE_CODE } from '../objects/types.js';

/** Types whose entries a lean lookup keeps whole: what status and commit read (see useLean). */
const LEAN_KEPT = new Set([TYPE_CODE.tree, TYPE_CODE.snapshot, TYPE_CODE.chunklist]);
/** Pack indexes searched on disk before a lean lookup gives way to the whole index (a reader of many objects). */
const LEAN_SEARCHES = 256;

/**
 * What a lean lookup holds instead of every packed entry: the entries of the
 * trees, snapshots and chunk lists, and for every other object its id's first
 * four bytes and its pack (8 bytes an object, sorted). An id the prefixes do not
 * rule out is searched in its pack's index on disk (inflated, binary search).
 */
interface Lean {
  /** pack names in load order; a pack's number is its place here */
  readonly names: string[];
  readonly kept: PackedIds;
  /** prefix * 65536 + pack, ascending (replaced as packs written while lean join: see leanPublish) */
  keys: Float64Array;
  readonly loose: Set<string>;
  searches: number;
  last?: { pack: number; idx: RawPackIndex | null };
}

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
  private index = new PackedIds();
  /** ids of loose objects, listed at open (there are few: plumbing writes them) */
  private loose = new Set<string>();
  private packNames: string[] = [];
  /** open pack files, by pack name */
  private handles = new Map<string, Promise<FileHandle>>();
  /** useLean: look ids up without loading every index entry, until something needs the whole index */
  private leanUsers = 0;
  private leanLoading?: Promise<Lean>;
  /** packs published while lean, still joining the lean state (a lookup waits for them) */
  private readonly publishing = new Set<Promise<void>>();
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
    if (opts.loadIndex === false) {
      db.loading = Promise.resolve();
      db.writeOnly = true;
    }
    return db;
  }

  private loading?: Promise<void>;
  private loaded = false;
  /** opened with loadIndex: false: packs it publishes are not remembered either */
  private writeOnly = false;

  /** Read every pack index and list loose objects, once. Every async accessor calls it. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      await this.loadPacks();
      for (const id of await this.listLoose()) this.loose.add(id);
      this.loaded = true;
      this.leanLoading = undefined; // the whole index answers from now on
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
        const raw = inflatePackIndex(buf, n);
        this.index.addIndex(raw, this.packNames.push(name) - 1);
      } catch (e) {
        if (!(e instanceof MalformedObjectError) && !isNotFound(e)) throw fsError(e, 'read', n);
        if (!this.damagedPacks.some((d) => d.name === name))
          this.damagedPacks.push({ name, reason: (e as Error).message });
      }
    }
  }

  get packCount(): number {
    this.need();
    return this.packNames.length;
  }

  /** Every packed object (id, type, sizes); loose objects are listed by listLoose(). */
  *packedEntries(): IterableIterator<PackEntry & { pack: string }> {
    this.need();
    // index.pack(r) is the place of its pack in packNames
    for (let r = 0; r < this.index.size; r++)
      yield { ...this.index.entry(r), pack: this.packNames[this.index.pack(r)]! };
  }

  /** Where a packed object is (pack file path and index entry); null for loose or missing ones. */
  locate(id: ObjectId): { packPath: string; entry: PackEntry } | null {
    this.need();
    const loc = this.where(id);
    return loc ? { packPath: joinPath(this.paths.packs, `${this.packNames[loc.pack]}.pack`), entry: loc.entry } : null;
  }

  /** The pack and index entry of a packed object (the entry made now: the index holds columns). */
  private where(id: ObjectId): Location | null {
    const r = this.index.find(id);
    return r < 0 ? null : { pack: this.index.pack(r), entry: this.index.entry(r) };
  }

  /** A packed object's type and raw length, without making its index entry (null: not packed); id as hex or bytes. */
  packedKind(id: ObjectId | Uint8Array): { type: ObjectType; rawLength: number } | null {
    this.need();
    const r = typeof id === 'string' ? this.index.find(id) : this.index.findBytes(id);
    return r < 0 ? null : { type: this.index.type(r), rawLength: this.index.rawLength(r) };
  }

  hasPacked(id: ObjectId): boolean {
    this.need();
    return this.index.has(id);
  }

  looseObjectPath(id: ObjectId): string {
    return joinPath(this.paths.objects, id.slice(0, 2), id.slice(2));
  }

  /**
   * Whether the object is stored (as this process knows the vault: packs and loose objects seen at open or written
   * since).
   */
  contains(id: ObjectId): boolean {
    this.need();
    return this.index.has(id) || this.loose.has(id);
  }

  /**
   * Stored bytes over raw bytes of a packed object (1 or a bit over: it did not compress, or was kept
   * uncompressed by its file type); null for a loose or unknown one. Lets a copier into another format
   * (a git push) skip compressing what will not shrink.
   */
  storedRatio(id: ObjectId): number | null {
    const r = this.index.find(id);
    if (r < 0) return null;
    const e = this.index.entry(r);
    return e.rawLength > 0 ? e.length / e.rawLength : null;
  }

  async has(id: ObjectId): Promise<boolean> {
    if (await this.holds(id)) return true;
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
    const loc = await this.lookup(id);
    if (loc) return loc.entry.type;
    return (await this.read(id)).type;
  }

  /**
   * Look ids up without loading every pack index entry (status and commit at a
   * million files: ~8 bytes an object instead of ~70): see Lean. read, has,
   * typeOf, holds and storeCounts then answer from it; anything that needs the
   * whole index (the sync accessors after `ready()`, or many ids searched on
   * disk) loads it as before, and the lean lookup is dropped. For the span of
   * one command: call the returned function at its end (later commands on the
   * same database load the whole index as before).
   */
  useLean(): () => void {
    this.leanUsers++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.leanUsers === 0) this.leanLoading = undefined;
    };
  }

  /** Whether every pack index entry is loaded (or loading): `ready()` was called, by whatever needed it. */
  get indexLoaded(): boolean {
    return this.loaded || this.loading !== undefined;
  }

  /** Whether the lean lookup answers (within useLean, and the whole index is not loaded). */
  get lean(): boolean {
    return this.leanUsers > 0 && !this.loaded && this.loading === undefined;
  }

  private async leanState(): Promise<Lean> {
    const lean = await this.leanRead();
    while (this.publishing.size) await Promise.all([...this.publishing]);
    return lean;
  }

  private leanRead(): Promise<Lean> {
    this.leanLoading ??= (async () => {
      const names: string[] = [];
      const kept = new PackedIds();
      // a piece per pack, joined once their total is known (no doubling copies)
      const pieces: Float64Array[] = [];
      let n = 0;
      for await (const { name, idx } of this.packIndexes()) {
        pieces.push(leanPiece(idx, names.push(name) - 1, kept));
        n += idx.count;
      }
      const keys = new Float64Array(n);
      for (let i = 0, at = 0; i < pieces.length; at += pieces[i]!.length, i++) keys.set(pieces[i]!, at);
      pieces.length = 0;
      return { names, kept, keys: keys.sort(), loose: new Set(await this.listLoose()), searches: 0 };
    })();
    return this.leanLoading;
  }

  /**
   * How many ids the vault stores, at most (an id in two packs, or kept whole by a lean lookup, may count
   * twice): to size a set of them without loading the whole index when a lean lookup answers.
   */
  async storedIdCount(): Promise<number> {
    if (this.lean) {
      const lean = await this.leanState();
      if (this.lean) return lean.keys.length + lean.kept.size + lean.loose.size + this.loose.size;
    }
    await this.ready();
    return this.index.size + this.loose.size;
  }

  /**
   * Every stored id as its 32 bytes (`id` from `offset`; the bytes are only lent), packed and loose, an id
   * perhaps more than once: with a lean lookup from the pack indexes on disk, one at a time, else from the index.
   */
  async forEachStoredId(visit: (id: Uint8Array, offset: number) => void): Promise<void> {
    if (this.lean) {
      const lean = await this.leanState();
      if (this.lean) {
        await this.scanPacked(visit);
        for (const id of new Set([...lean.loose, ...this.loose])) visit(Buffer.from(id, 'hex'), 0);
        return;
      }
    }
    await this.ready();
    for (let r = 0; r < this.index.size; r++) this.index.visitId(r, visit);
    for (const id of this.loose) visit(Buffer.from(id, 'hex'), 0);
  }

  /** Each pack index on disk that decodes (inflated and checked), one at a time, in name order. */
  private async *packIndexes(): AsyncGenerator<{ name: string; idx: RawPackIndex }> {
    let names: string[] = [];
    try {
      names = (await this.fs.readdir(this.paths.packs)) as string[];
    } catch (e) {
      if (!isNotFound(e)) throw fsError(e, 'list', this.paths.packs);
    }
    for (const n of names.filter((x) => x.startsWith('pack-') && x.endsWith('.idx')).sort()) {
      const idx = await this.readRawIndex(n);
      if (idx) yield { name: n.slice(0, -4), idx };
    }
  }

  /** An index inflated and checked; null when it is damaged or gone (its pack is invisible, as in loadPacks). */
  private async readRawIndex(file: string): Promise<RawPackIndex | null> {
    try {
      return inflatePackIndex((await this.fs.readFile(joinPath(this.paths.packs, file))) as Buffer, file);
    } catch (e) {
      if (e instanceof MalformedObjectError || isNotFound(e)) return null;
      throw fsError(e, 'read', file);
    }
  }

  /**
   * Every entry of every pack index on disk, one pass, without holding them: `visit` gets the
   * inflated index and the entry's offset in it (id at +0, raw length u32 BE at +44, type code at +48).
   * Packs are visited in name order, as loadPacks adds them (the first entry of an id is the one used).
   */
  async scanPacked(visit: (buf: Buffer, offset: number) => void): Promise<void> {
    for await (const { idx } of this.packIndexes())
      for (let i = 0, o = PACK_INDEX_START; i < idx.count; i++, o += PACK_INDEX_ENTRY) visit(idx.buf, o);
  }

  /** Where a packed object is, by pack name: from the lean lookup or the whole index. */
  private async lookup(id: ObjectId): Promise<{ name: string; entry: PackEntry } | null> {
    if (this.lean) {
      const lean = await this.leanState();
      if (this.lean && lean.searches < LEAN_SEARCHES) return this.leanLocate(lean, id);
    }
    await this.ready();
    const loc = this.where(id);
    return loc ? { name: this.packNames[loc.pack]!, entry: loc.entry } : null;
  }

  private async leanLocate(lean: Lean, id: ObjectId): Promise<{ name: string; entry: PackEntry } | null> {
    const k = lean.kept.find(id);
    if (k >= 0) return { name: lean.names[lean.kept.pack(k)]!, entry: lean.kept.entry(k) };
    if (isObjectId(id)) {
      const bytes = Buffer.from(id, 'hex');
      const lo = bytes.readUInt32BE(0) * 65536;
      const { keys } = lean;
      let a = 0;
      let b = keys.length;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (keys[m]! < lo) a = m + 1;
        else b = m;
      }
      for (; a < keys.length && keys[a]! < lo + 65536; a++) {
        const pack = keys[a]! - lo;
        if (lean.last?.pack !== pack) {
          lean.searches++;
          lean.last = { pack, idx: await this.readRawIndex(`${lean.names[pack]}.idx`) };
        }
        const idx = lean.last.idx;
        const i = idx ? findInPackIndex(idx, bytes) : -1;
        if (idx && i >= 0) return { name: lean.names[pack]!, entry: packIndexEntry(idx, i) };
      }
    }
    // written by this process since (published packs are in the whole index's table)
    const r = this.index.find(id);
    return r < 0 ? null : { name: this.packNames[this.index.pack(r)]!, entry: this.index.entry(r) };
  }

  /** Whether the object is stored, as `contains` tells, without the whole index when the lean lookup answers. */
  async holds(id: ObjectId): Promise<boolean> {
    if (this.lean) {
      const lean = await this.leanState();
      if (this.lean && lean.searches < LEAN_SEARCHES)
        return (await this.leanLocate(lean, id)) !== null || this.loose.has(id) || lean.loose.has(id);
    }
    await this.ready();
    return this.contains(id);
  }

  /** How many loose objects and readable packs the vault has (for automatic gc), lean when it can. */
  async storeCounts(): Promise<{ loose: number; packs: number }> {
    if (this.lean) {
      const lean = await this.leanState();
      if (this.lean) {
        const loose = new Set([...lean.loose, ...this.loose]).size;
        return { loose, packs: lean.names.length + this.packNames.filter((p) => !lean.names.includes(p)).length };
      }
    }
    await this.ready();
    return { loose: this.looseCount, packs: this.packNames.length };
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

  private handle(name: string): Promise<FileHandle> {
    let h = this.handles.get(name);
    if (!h) {
      h = this.fs.open(joinPath(this.paths.packs, `${name}.pack`), 'r');
      h.catch(() => this.handles.delete(name));
      this.handles.set(name, h);
    }
    return h;
  }

  /** Read, decompress and verify an object. */
  async read(id: ObjectId): Promise<StoredObject> {
    const loc = await this.lookup(id);
    if (loc) {
      const where = `${loc.name}.pack`;
      const fh = await this.handle(loc.name).catch((e) => {
        if (isNotFound(e)) throw new CorruptObjectError(id, 'its pack file is missing', where);
        throw fsError(e, 'open', where);
      });
      return { type: loc.entry.type, body: await readVerifiedRecord(fh, loc.entry, where, this.codec) };
    }
    const { type, codec, rawLength, payload } = await this.readLooseRecord(id);
    const where = this.looseObjectPath(id);
    return { type, body: await verifyRecord(id, type, codec, payload, rawLength, where, this.codec) };
  }

  /** Read an object that must be of `type`. */
  async readTyped(id: ObjectId, type: ObjectType): Promise<Buffer> {
    const o = await this.read(id);
    if (o.type !== type) throw new MalformedObjectError(type, `object is a ${o.type}, not a ${type}`, id);
    return o.body;
  }

  /** Write one loose object (plumbing: hash-object -w). Returns its id. */
  async writeLoose(type: ObjectType, body: Uint8Array, compress = true): Promise<ObjectId> {
    const id = hashObject(type, body);
    if (await this.has(id)) return id;
    const { codec, payload } = await encodePayload(new Uint8Array(body), compress, this.codec, this.level);
    const path = this.looseObjectPath(id);
    await this.fs.mkdir(joinPath(this.paths.objects, id.slice(0, 2)), { recursive: true });
    await writeFileAtomic(this.fs, path, encodeLooseObject(type, codec, body.length, payload), { mode: 0o444 });
    this.loose.add(id);
    return id;
  }

  /** Every id this process knows to be stored. */
  *ids(): IterableIterator<ObjectId> {
    this.need();
    for (let r = 0; r < this.index.size; r++) yield this.index.id(r);
    yield* this.loose;
  }

  /** Start a batch of writes that go into new pack files. */
  writer(opts: WriterOptions = {}): ObjectWriter {
    return new ObjectWriter(this, opts);
  }

  /**
   * Called by ObjectWriter once a pack and its index are durable. While a lean lookup answers, the pack joins
   * it (see leanPublish) rather than the whole index: a commit of a million new objects held ~60 bytes an
   * object in the index for nothing but the rare lookup, 8 bytes now.
   */
  publishPack(name: string, index: RawPackIndex): void {
    // a worker that only writes dedups through its shared id set and never reads: it keeps nothing
    if (this.writeOnly) return;
    if (this.lean) {
      // the lean state may still be reading the packs on disk (this one among them, or not): join it once read
      const pending = this.leanRead().then((lean) => leanPublish(lean, name, index));
      this.publishing.add(pending);
      // a failure reaches the next lookup (leanState awaits it, and the lean state's own promise failed too)
      pending.finally(() => this.publishing.delete(pending)).catch(() => {});
      return;
    }
    this.index.addIndex(index, this.packNames.push(name) - 1);
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
    const rec = decodeLooseObject(buf);
    if (typeof rec === 'string') throw new CorruptObjectError(id, rec, path);
    return rec;
  }

  /**
   * Forget everything loaded (pack indexes, loose listing, open pack handles)
   * and read it again: after gc, prune or repair changed the pack set.
   */
  async reload(): Promise<void> {
    await this.close();
    this.leanLoading = undefined;
    this.index = new PackedIds();
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

/** A pack's part of a lean lookup: its kept types' entries added to `kept`, a key (prefix * 65536 + pack) per id. */
function leanPiece(idx: RawPackIndex, pack: number, kept: PackedIds): Float64Array {
  const piece = new Float64Array(idx.count);
  const { buf } = idx;
  for (let i = 0, o = PACK_INDEX_START; i < idx.count; i++, o += PACK_INDEX_ENTRY) {
    piece[i] = buf.readUInt32BE(o) * 65536 + pack;
    if (LEAN_KEPT.has(buf[o + 48]!)) kept.add(packIndexEntry(idx, i), pack);
  }
  return piece;
}

/**
 * A pack written while a lean lookup answers joins it as a pack read from disk would (leanPiece), its keys
 * merged into the sorted ones (a pack already read from disk is there).
 */
function leanPublish(lean: Lean, name: string, idx: RawPackIndex): void {
  if (lean.names.includes(name)) return;
  const add = leanPiece(idx, lean.names.push(name) - 1, lean.kept).sort();
  const a = lean.keys;
  const out = new Float64Array(a.length + add.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < add.length) out[k++] = a[i]! <= add[j]! ? a[i++]! : add[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < add.length) out[k++] = add[j++]!;
  lean.keys = out;
}
