import { CorruptObjectError, MalformedObjectError, ObjectNotFoundError, fsError } from '../errors.js';
import { hashObject, isObjectId } from '../objects/hashObject.js';
import type { ObjectId, ObjectType } from '../objects/types.js';
import { InlineCodec, type Codec } from './codec.js';
import { isNotFound, joinPath, writeFileAtomic, type FileHandle, type FsPromises } from './fs.js';
import { vaultPaths, type VaultPaths } from './layout.js';
import { ObjectWriter, type WriterOptions } from './ObjectWriter.js';
import {
  decodeLooseObject,
  decodePackIndex,
  encodeLooseObject,
  encodePayload,
  readVerifiedRecord,
  verifyRecord,
  type PackEntry,
} from './pack/index.js';
import { PackedIds } from './packedIds.js';

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
    for (const entry of entries) this.index.add(entry, pack);
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
    const loc = this.where(id);
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
    const loc = this.where(id);
    if (loc) {
      const where = `${this.packNames[loc.pack]}.pack`;
      const fh = await this.handle(loc.pack).catch((e) => {
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
