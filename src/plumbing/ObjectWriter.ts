import { hashObject } from '../objects/hashObject.js';
import type { ObjectId, ObjectType } from '../objects/types.js';
import { BufferPool } from './bufferPool.js';
import type { Codec } from './codec.js';
import type { FsPromises } from './fs.js';
import {
  PACK_INDEX_ENTRY,
  PACK_INDEX_START,
  PackWriter,
  RECORD_HEADER,
  encodePayload,
  type RawPackIndex,
  type SealedPack,
} from './pack/index.js';
import type { SharedIdSet } from './sharedIdSet.js';

export interface WriterStats {
  /** objects newly stored */
  objects: number;
  /** uncompressed bytes of the new objects */
  rawBytes: number;
  /** bytes the new objects take on disk */
  storedBytes: number;
}

export interface WriterOptions {
  /**
   * dedup across threads: an id is stored by whoever adds it to this set first. It holds every id the
   * database stores (hashWorktree fills it so), and the writer asks it alone, not the database.
   */
  shared?: SharedIdSet;
  /** told about each pack once it is sealed and indexed (its index as stored, inflated) */
  onSeal?: (name: string, index: RawPackIndex) => void;
  /** raw bytes queued for compression/writing before put() waits (default 24 MiB) */
  maxInflight?: number;
  /** compress with this codec instead of the database's (e.g. inline on a thread that is itself a worker) */
  codec?: Codec;
}

/** What a writer needs of the object database. */
export interface WriterTarget {
  readonly fs: FsPromises;
  readonly paths: { readonly packs: string };
  readonly codec: Codec;
  /** zstd level */
  readonly level: number;
  /** a pack is sealed once it reaches this many bytes */
  readonly packSize: number;
  /** stored already (as the database knows it: see ObjectDatabase.holds) */
  holds(id: ObjectId): Promise<boolean>;
  /** a pack and its index are durable: its objects are readable now */
  publishPack(name: string, index: RawPackIndex): void;
}

/**
 * Streams new objects into pack files. `put` dedups against the database and
 * against objects already queued (or, given a shared id set, against the set
 * alone, which holds both), copies the bytes into a pooled buffer,
 * compresses off-thread, and applies back-pressure. A full pack is sealed in
 * the background (fsync, rename, index) while the next one fills; it becomes
 * visible only once its index is written. `flush` seals the last one: until
 * then nothing the batch wrote is referenced by anything.
 */
export class ObjectWriter {
  readonly stats: WriterStats = { objects: 0, rawBytes: 0, storedBytes: 0 };
  /** ids put and not yet in a sealed pack (with a shared id set: only once the set is full) */
  private queued = new Set<string>();
  private inflight = new Set<Promise<void>>();
  private inflightBytes = 0;
  private waiters: (() => void)[] = [];
  private tail: Promise<void> = Promise.resolve();
  private sealing = new Set<Promise<void>>();
  private failed?: Error;
  private cur?: PackWriter;
  private readonly pool = new BufferPool(3);
  private readonly maxInflight: number;

  constructor(
    private readonly db: WriterTarget,
    private readonly opts: WriterOptions = {},
  ) {
    this.maxInflight = opts.maxInflight ?? 24 * 1024 * 1024;
  }

  /** True when the object is already stored or queued (here, or by another writer sharing the set). */
  async known(id: ObjectId): Promise<boolean> {
    const { shared } = this.opts;
    return shared ? shared.has(id) || this.queued.has(id) : this.queued.has(id) || (await this.db.holds(id));
  }

  /**
   * Store an object unless it exists. `body` is only borrowed: it is copied
   * before the returned promise settles, so the caller may reuse its memory then.
   * Resolves once queued, not once written.
   */
  async put(type: ObjectType, body: Uint8Array, opts: { compress?: boolean; id?: ObjectId } = {}): Promise<ObjectId> {
    if (this.failed) throw this.failed;
    const id = opts.id ?? hashObject(type, body);
    if (this.opts.shared) {
      // the set answers for every id stored, queued or being written, here and in the other threads
      if (!this.opts.shared.add(id)) return id;
      // past full the set records no new id: this writer's own queue keeps it from storing one twice
      if (this.opts.shared.full) {
        if (this.queued.has(id)) return id;
        this.queued.add(id);
      }
      // the database lookup this set replaced took a few microtask turns, in which the compressions queued
      // before (an inline codec runs them on those turns) finish and give their buffers back to the pool; with
      // no turns a 1 GiB commit peaked 15-20 MB higher (137-145 MiB, 121-132 with these four)
      for (let turn = 0; turn < 4; turn++) await undefined;
    } else {
      if (this.queued.has(id) || (await this.db.holds(id))) return id;
      // from here to queued.add nothing awaits: a concurrent put of the same id stops at this check
      if (this.queued.has(id)) return id;
      this.queued.add(id);
    }
    const copy = this.pool.take(body.length);
    copy.set(body);
    const rawLength = body.length;
    while (this.inflightBytes > this.maxInflight && !this.failed) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failed) throw this.failed;
    this.inflightBytes += rawLength;
    const job = encodePayload(copy, opts.compress !== false, this.opts.codec ?? this.db.codec, this.db.level)
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
      this.cur ??= await PackWriter.create(this.db.fs, this.db.paths.packs);
      const w = this.cur;
      await w.add({ id, type, codec, rawLength, payload });
      this.stats.objects++;
      this.stats.rawBytes += rawLength;
      this.stats.storedBytes += payload.length + RECORD_HEADER;
      if (w.size >= this.db.packSize) {
        this.cur = undefined;
        const s: Promise<void> = this.seal(w)
          .catch((e: Error) => {
            this.failed ??= e;
          })
          .finally(() => this.sealing.delete(s));
        this.sealing.add(s);
      }
    });
    return this.tail;
  }

  /** Seal a pack (durable, indexed) and publish it. */
  private async seal(w: PackWriter): Promise<void> {
    const sealed: SealedPack = await w.seal();
    const { name, index } = sealed;
    this.db.publishPack(name, index);
    if (this.queued.size)
      for (let i = 0, o = PACK_INDEX_START; i < index.count; i++, o += PACK_INDEX_ENTRY)
        this.queued.delete(index.buf.toString('hex', o, o + 32));
    // last: a store worker hands the index's memory over to the main thread
    this.opts.onSeal?.(name, index);
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
    const w = this.cur;
    this.cur = undefined;
    await w?.abort();
  }
}
