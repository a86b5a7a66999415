import { nodeCrypto } from '../../builtins.js';
import type { Hash } from 'node:crypto';
import { createInflate, inflateSync } from 'node:zlib';
import { CorruptObjectError } from '../../errors.js';
import { readFully, type FileHandle, type FsPromises } from '../fs.js';
import { RemoteLimitError } from './errors.js';

const TYPES: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** Objects up to this size are inflated in one call while scanning; bigger ones are streamed. */
const INFLATE_WHOLE_MAX = 8 * 1024 * 1024;
/** Compressed bytes fed to the inflater per step when streaming (zlib expands at most ~1032x). */
const STREAM_STEP = 16 * 1024;

export interface PackLimits {
  /**
   * The largest object held whole in memory: what `read` returns, delta bases and delta results (default
   * 64 MiB). Bigger plain objects are hashed by streaming and can only be read with `readStream`.
   */
  readonly maxObjectBytes?: number;
  /** The most bytes all objects of the pack may inflate to, deltas resolved (default: no limit). */
  readonly maxTotalBytes?: number;
  /** Stops the scan at the next object (it throws the signal's reason). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

interface Entry {
  readonly type: string;
  readonly dataStart: number;
  readonly dataEnd: number;
  /** inflated size of the data at dataStart (the delta itself, for a delta) */
  readonly rawSize: number;
  /** the object's size (for a delta: its result's) */
  readonly size: number;
  /** offset of the delta base (ofs-delta, or a ref-delta whose base is in the pack) */
  readonly base?: number;
}

/**
 * Reads a git pack file from disk without loading it: one sequential pass
 * checks the trailer, inflates each object (streaming the big ones: never more
 * than it declares), resolves deltas (bases come from a bounded cache or are
 * re-read from the file) and records where each object id is. Memory: the
 * index (a few dozen bytes per object), the cache, and at most a few objects
 * of `maxObjectBytes`. A pack that inflates past `maxTotalBytes`, an object
 * bigger than it declares, or a delta bigger than `maxObjectBytes` is refused.
 */
export class PackFileReader {
  private readonly byOid = new Map<string, number>();
  private readonly entries = new Map<number, Entry>();
  private readonly cache = new Map<number, { type: string; body: Buffer }>();
  private cacheBytes = 0;
  private static readonly CACHE_LIMIT = 32 * 1024 * 1024;
  private readonly maxObject: number;
  /** bytes the objects inflated to so far */
  expandedBytes = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    private readonly limits: PackLimits,
  ) {
    this.maxObject = limits.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  }

  get objectCount(): number {
    return this.byOid.size;
  }

  has(oid: string): boolean {
    return this.byOid.has(oid);
  }

  /** An object's type and size without inflating it, or null when the pack does not hold it. */
  stat(oid: string): { type: string; size: number } | null {
    const pos = this.byOid.get(oid);
    const e = pos === undefined ? undefined : this.entries.get(pos);
    return e ? { type: e.type, size: e.size } : null;
  }

  static async open(
    fs: FsPromises,
    path: string,
    onProgress?: (done: number, total: number) => void,
    limits: PackLimits = {},
  ): Promise<PackFileReader> {
    const fh = await fs.open(path, 'r');
    const r = new PackFileReader(fh, path, limits);
    try {
      await r.scan(onProgress);
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
    return r;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => {});
  }

  private bad(why: string): Error {
    return new CorruptObjectError('(pack)', why, this.path);
  }

  private tooBig(what: string, size: number): Error {
    return new RemoteLimitError(what, size, this.maxObject, {
      hint: 'a Vault remote never holds objects this big; if you trust it, raise VAULT_SYNC_MAX_OBJECT (bytes)',
    });
  }

  private async readAt(pos: number, len: number): Promise<Buffer> {
    const b = Buffer.allocUnsafe(Math.max(0, len));
    const n = await readFully(this.fh, b, 0, b.length, pos);
    return n === b.length ? b : b.subarray(0, n);
  }

  private async scan(onProgress?: (done: number, total: number) => void): Promise<void> {
    const size = (await this.fh.stat()).size;
    if (size < 32) throw this.bad('pack too short');
    // the trailer: SHA-1 of everything before it
    const h = nodeCrypto().createHash('sha1');
    for (let pos = 0; pos < size - 20; pos += 1 << 20)
      h.update(await this.readAt(pos, Math.min(1 << 20, size - 20 - pos)));
    if (!h.digest().equals(await this.readAt(size - 20, 20)))
      throw this.bad('pack checksum mismatch (truncated download?)');
    const head = await this.readAt(0, 12);
    if (head.toString('latin1', 0, 4) !== 'PACK') throw this.bad('not a pack');
    const count = head.readUInt32BE(8);
    const end = size - 20;
    let pos = 12;
    for (let i = 0; i < count; i++) {
      if (pos >= end) throw this.bad(`the pack ends after ${i} of its ${count} objects`);
      pos = await this.scanObject(pos, end);
      onProgress?.(i + 1, count);
      // let a signal handler run now and then (file reads here may all be synchronous)
      if ((i & 255) === 255) await new Promise<void>((r) => setImmediate(r));
      this.limits.signal?.throwIfAborted();
    }
    if (pos !== end) throw this.bad(`${end - pos} bytes after the last object`);
  }

  /** Parse, inflate and hash the object at `pos`; returns where the next one starts. */
  private async scanObject(pos: number, end: number): Promise<number> {
    const hdr = await this.readAt(pos, Math.min(64, end - pos));
    let p = 0;
    const next = () => {
      const byte = hdr[p++];
      if (byte === undefined) throw this.bad(`object header at ${pos} runs past the pack`);
      return byte;
    };
    let b = next();
    const kind = (b >> 4) & 7;
    let rawSize = b & 15;
    let mul = 16;
    while (b & 0x80) {
      b = next();
      rawSize += (b & 0x7f) * mul;
      mul *= 128;
    }
    if (!Number.isSafeInteger(rawSize)) throw this.bad(`object at ${pos} declares an impossible size`);
    // a whole object has its type; a delta names its base (at an offset, or by id)
    let of: { type: string; base?: undefined } | { type?: undefined; base: number };
    if (kind === 6) {
      b = next();
      let ofs = b & 0x7f;
      while (b & 0x80) {
        b = next();
        ofs = (ofs + 1) * 128 + (b & 0x7f);
      }
      of = { base: pos - ofs };
      if (!this.entries.has(of.base)) throw this.bad(`delta at ${pos} names no object as its base`);
    } else if (kind === 7) {
      if (p + 20 > hdr.length) throw this.bad(`object header at ${pos} runs past the pack`);
      const baseOid = hdr.toString('hex', p, p + 20);
      p += 20;
      const base = this.byOid.get(baseOid);
      if (base === undefined) throw this.bad(`delta base ${baseOid} is not in the pack`);
      of = { base };
    } else {
      const type = TYPES[kind];
      if (!type) throw this.bad(`unknown object type ${kind} at ${pos}`);
      of = { type };
    }
    const { base } = of;
    const dataStart = pos + p;
    if (of.type !== undefined && rawSize > INFLATE_WHOLE_MAX) {
      const { type } = of;
      this.count(rawSize);
      const hash = nodeCrypto().createHash('sha1').update(`${type} ${rawSize}\0`);
      const consumed = await this.inflateStreaming(dataStart, rawSize, end, (piece) => void hash.update(piece));
      this.index(pos, hash, { type, dataStart, dataEnd: dataStart + consumed, rawSize, size: rawSize });
      return dataStart + consumed;
    }
    if (rawSize > this.maxObject) throw this.tooBig(`a ${base === undefined ? 'git object' : 'delta'}`, rawSize);
    const { data, consumed } = await this.inflateAt(dataStart, rawSize, end);
    let type: string;
    let body: Buffer;
    if (of.base !== undefined) {
      const b0 = await this.object(of.base);
      type = b0.type;
      body = applyDelta(b0.body, data, () => this.bad(`bad delta at ${pos}`), this.maxObject);
    } else {
      type = of.type;
      body = data;
    }
    this.count(body.length);
    const entry = { type, dataStart, dataEnd: dataStart + consumed, rawSize, size: body.length, base };
    this.index(pos, nodeCrypto().createHash('sha1').update(`${type} ${body.length}\0`).update(body), entry);
    this.remember(pos, type, body);
    return dataStart + consumed;
  }

  private index(pos: number, hash: Hash, e: Entry): void {
    this.entries.set(pos, e);
    this.byOid.set(hash.digest('hex'), pos);
  }

  private count(n: number): void {
    this.expandedBytes += n;
    const max = this.limits.maxTotalBytes;
    if (max !== undefined && this.expandedBytes > max)
      throw new RemoteLimitError('the downloaded pack, inflated,', this.expandedBytes, max);
  }

  /** Inflate a small object whole, never past `rawSize`. */
  private async inflateAt(start: number, rawSize: number, end: number): Promise<{ data: Buffer; consumed: number }> {
    let win = Math.min(end - start, rawSize + (rawSize >> 4) + 512);
    for (;;) {
      const buf = await this.readAt(start, win);
      try {
        const r = inflateSync(buf, { info: true, maxOutputLength: Math.max(1, rawSize) }) as unknown as {
          buffer: Buffer;
          engine: { bytesWritten: number };
        };
        if (r.buffer.length !== rawSize)
          throw this.bad(`object at ${start} inflates to ${r.buffer.length} bytes, not ${rawSize}`);
        return { data: r.buffer, consumed: r.engine.bytesWritten };
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw this.bad(`object at ${start} inflates to more than the ${rawSize} bytes it declares`);
        if (e instanceof CorruptObjectError || win >= end - start)
          throw e instanceof CorruptObjectError ? e : this.bad(`cannot inflate the object at ${start}`);
        win = Math.min(end - start, win * 2);
      }
    }
  }

  /**
   * Inflate the zlib stream at `start` piece by piece, handing each piece to `onPiece`; never more than
   * `rawSize` bytes come out. Returns how many compressed bytes the stream took.
   */
  private async inflateStreaming(
    start: number,
    rawSize: number,
    end: number,
    onPiece: (b: Buffer) => void | Promise<void>,
  ): Promise<number> {
    const inf = createInflate({ chunkSize: 256 * 1024 });
    let out = 0;
    let ended = false;
    let failure: Error | null = null;
    let pieces: Buffer[] = [];
    /** resolves the wait for the current write: its callback, or the stream closing */
    let wake = () => {};
    inf.on('close', () => wake());
    inf.on('data', (d: Buffer) => {
      out += d.length;
      if (out > rawSize) {
        failure ??= this.bad(`object at ${start} inflates to more than the ${rawSize} bytes it declares`);
        inf.destroy();
      } else pieces.push(d);
    });
    inf.on('end', () => (ended = true));
    inf.on('error', (e) => (failure ??= this.bad(`cannot inflate the object at ${start}: ${e.message}`)));
    const drain = async () => {
      const ready = pieces;
      pieces = [];
      for (const piece of ready) await onPiece(piece);
    };
    try {
      let fed = 0;
      for (let pos = start; pos < end && !ended && !failure;) {
        const buf = await this.readAt(pos, Math.min(STREAM_STEP, end - pos));
        pos += buf.length;
        fed += buf.length;
        await new Promise<void>((resolve) => {
          wake = resolve;
          inf.write(buf, () => resolve());
        });
        // 'end' is emitted on the next tick: wait for it, so nothing is written after the stream ended
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (failure) break;
        await drain();
        this.limits.signal?.throwIfAborted();
        if (inf.bytesWritten < fed) break; // zlib stopped short of what it was given: the stream ended
      }
      if (!ended && !failure) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          inf.once('end', resolve);
          inf.end();
        });
      }
      if (failure) throw failure;
      await drain();
      if (out !== rawSize) throw this.bad(`object at ${start} inflates to ${out} bytes, not ${rawSize}`);
      return inf.bytesWritten;
    } finally {
      inf.destroy();
    }
  }

  private remember(pos: number, type: string, body: Buffer): void {
    if (body.length > PackFileReader.CACHE_LIMIT / 8) return;
    this.cache.set(pos, { type, body });
    this.cacheBytes += body.length;
    while (this.cacheBytes > PackFileReader.CACHE_LIMIT) {
      const [k, v] = this.cache.entries().next().value as [number, { body: Buffer }];
      this.cache.delete(k);
      this.cacheBytes -= v.body.length;
    }
  }

  private async object(pos: number): Promise<{ type: string; body: Buffer }> {
    const hit = this.cache.get(pos);
    if (hit) {
      this.cache.delete(pos);
      this.cache.set(pos, hit);
      return hit;
    }
    const e = this.entries.get(pos);
    if (!e) throw this.bad(`no object at offset ${pos}`);
    if (e.size > this.maxObject) throw this.tooBig(`a git ${e.type} (read whole)`, e.size);
    let data: Buffer;
    try {
      data = inflateSync(await this.readAt(e.dataStart, e.dataEnd - e.dataStart), {
        maxOutputLength: Math.max(1, e.rawSize),
      });
    } catch {
      throw this.bad(`cannot inflate the object at ${pos} again`);
    }
    const body =
      e.base !== undefined
        ? applyDelta((await this.object(e.base)).body, data, () => this.bad(`bad delta at ${pos}`), this.maxObject)
        : data;
    this.remember(pos, e.type, body);
    return { type: e.type, body };
  }

  /** An object's type and content, or null when the pack does not hold it. Objects over `maxObjectBytes`: ELIMIT. */
  async read(oid: string): Promise<{ type: string; body: Buffer } | null> {
    const pos = this.byOid.get(oid);
    return pos === undefined ? null : this.object(pos);
  }

  /**
   * An object's content piece by piece, whatever its size (big plain objects are inflated as they are
   * handed on, never whole). Returns its type, or null when the pack does not hold it.
   */
  async readStream(oid: string, onPiece: (b: Buffer) => void | Promise<void>): Promise<string | null> {
    const pos = this.byOid.get(oid);
    const e = pos === undefined ? undefined : this.entries.get(pos);
    if (pos === undefined || !e) return null;
    if (e.base !== undefined || e.size <= INFLATE_WHOLE_MAX) await onPiece((await this.object(pos)).body);
    else await this.inflateStreaming(e.dataStart, e.rawSize, e.dataEnd, onPiece);
    return e.type;
  }
}

/**
 * git's delta format: base size, result size, then copy-from-base and insert instructions. A result bigger
 * than `maxResult` is refused before it is allocated.
 */
export function applyDelta(base: Buffer, delta: Buffer, bad: () => Error, maxResult = Infinity): Buffer {
  let p = 0;
  const byte = () => {
    const b = delta[p++];
    if (b === undefined) throw bad();
    return b;
  };
  const varint = () => {
    let r = 0;
    let m = 1;
    let b: number;
    do {
      if (m > 2 ** 53) throw bad();
      b = byte();
      r += (b & 0x7f) * m;
      m *= 128;
    } while (b & 0x80);
    return r;
  };
  if (varint() !== base.length) throw bad();
  const size = varint();
  if (size > maxResult)
    throw new RemoteLimitError('a delta in the downloaded pack', size, maxResult, {
      hint: 'a Vault remote never holds objects this big; if you trust it, raise VAULT_SYNC_MAX_OBJECT (bytes)',
    });
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  while (p < delta.length) {
    const op = byte();
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      if (op & 1) off += byte();
      if (op & 2) off += byte() * 0x100;
      if (op & 4) off += byte() * 0x10000;
      if (op & 8) off += byte() * 0x1000000;
      if (op & 0x10) len += byte();
      if (op & 0x20) len += byte() * 0x100;
      if (op & 0x40) len += byte() * 0x10000;
      if (len === 0) len = 0x10000;
      if (off + len > base.length || o + len > out.length) throw bad();
      base.copy(out, o, off, off + len);
      o += len;
    } else if (op) {
      if (p + op > delta.length || o + op > out.length) throw bad();
      delta.copy(out, o, p, p + op);
      p += op;
      o += op;
    } else throw bad();
  }
  if (o !== out.length) throw bad();
  return out;
}
