import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { CorruptObjectError } from '../../errors.js';
import { readFully, type FileHandle, type FsPromises } from '../fs.js';

const TYPES: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

interface Entry {
  readonly type: string;
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly rawSize: number;
  /** offset of the delta base (ofs-delta, or a ref-delta whose base is in the pack) */
  readonly base?: number;
}

/**
 * Reads a git pack file from disk without loading it: one sequential pass
 * checks the trailer, inflates each object, resolves deltas (bases come from
 * a bounded cache or are re-read from the file) and records where each object
 * id is. Memory: the index (a few dozen bytes per object) and the cache.
 */
export class PackFileReader {
  private readonly byOid = new Map<string, number>();
  private readonly entries = new Map<number, Entry>();
  private readonly cache = new Map<number, { type: string; body: Buffer }>();
  private cacheBytes = 0;
  private static readonly CACHE_LIMIT = 32 * 1024 * 1024;

  private constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
  ) {}

  get objectCount(): number {
    return this.byOid.size;
  }

  has(oid: string): boolean {
    return this.byOid.has(oid);
  }

  static async open(
    fs: FsPromises,
    path: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<PackFileReader> {
    const fh = await fs.open(path, 'r');
    const r = new PackFileReader(fh, path);
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

  private async readAt(pos: number, len: number): Promise<Buffer> {
    const b = Buffer.allocUnsafe(len);
    const n = await readFully(this.fh, b, 0, len, pos);
    return n === len ? b : b.subarray(0, n);
  }

  private async scan(onProgress?: (done: number, total: number) => void): Promise<void> {
    const size = (await this.fh.stat()).size;
    if (size < 32) throw this.bad('pack too short');
    // the trailer: SHA-1 of everything before it
    const h = createHash('sha1');
    for (let pos = 0; pos < size - 20; pos += 1 << 20)
      h.update(await this.readAt(pos, Math.min(1 << 20, size - 20 - pos)));
    if (!h.digest().equals(await this.readAt(size - 20, 20)))
      throw this.bad('pack checksum mismatch (truncated download?)');
    const head = await this.readAt(0, 12);
    if (head.toString('latin1', 0, 4) !== 'PACK') throw this.bad('not a pack');
    const count = head.readUInt32BE(8);
    let pos = 12;
    for (let i = 0; i < count; i++) {
      const hdr = await this.readAt(pos, Math.min(64, size - 20 - pos));
      let p = 0;
      let b = hdr[p++];
      const kind = (b >> 4) & 7;
      let rawSize = b & 15;
      let mul = 16;
      while (b & 0x80) {
        b = hdr[p++];
        rawSize += (b & 0x7f) * mul;
        mul *= 128;
      }
      let base: number | undefined;
      if (kind === 6) {
        b = hdr[p++];
        let ofs = b & 0x7f;
        while (b & 0x80) {
          b = hdr[p++];
          ofs = (ofs + 1) * 128 + (b & 0x7f);
        }
        base = pos - ofs;
      } else if (kind === 7) {
        const baseOid = hdr.toString('hex', p, p + 20);
        p += 20;
        base = this.byOid.get(baseOid);
        if (base === undefined) throw this.bad(`delta base ${baseOid} is not in the pack`);
      } else if (!TYPES[kind]) throw this.bad(`unknown object type ${kind} at ${pos}`);
      const dataStart = pos + p;
      const { data, consumed } = await this.inflateAt(dataStart, rawSize, size - 20);
      let type: string;
      let body: Buffer;
      if (base !== undefined) {
        const b0 = await this.object(base);
        type = b0.type;
        body = applyDelta(b0.body, data, () => this.bad(`bad delta at ${pos}`));
      } else {
        type = TYPES[kind];
        body = data;
      }
      this.entries.set(pos, { type, dataStart, dataEnd: dataStart + consumed, rawSize, base });
      const oid = createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
      this.byOid.set(oid, pos);
      this.remember(pos, type, body);
      pos = dataStart + consumed;
      onProgress?.(i + 1, count);
    }
  }

  private async inflateAt(start: number, rawSize: number, end: number): Promise<{ data: Buffer; consumed: number }> {
    let win = Math.min(end - start, rawSize + (rawSize >> 4) + 512);
    for (;;) {
      const buf = await this.readAt(start, win);
      try {
        const r = inflateSync(buf, { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
        if (r.buffer.length !== rawSize)
          throw this.bad(`object at ${start} inflates to ${r.buffer.length} bytes, not ${rawSize}`);
        return { data: r.buffer, consumed: r.engine.bytesWritten };
      } catch (e) {
        if (e instanceof CorruptObjectError || win >= end - start)
          throw e instanceof CorruptObjectError ? e : this.bad(`cannot inflate the object at ${start}`);
        win = Math.min(end - start, win * 2);
      }
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
    const data = inflateSync(await this.readAt(e.dataStart, e.dataEnd - e.dataStart));
    const body =
      e.base !== undefined
        ? applyDelta((await this.object(e.base)).body, data, () => this.bad(`bad delta at ${pos}`))
        : data;
    this.remember(pos, e.type, body);
    return { type: e.type, body };
  }

  /** An object's type and content, or null when the pack does not hold it. */
  async read(oid: string): Promise<{ type: string; body: Buffer } | null> {
    const pos = this.byOid.get(oid);
    return pos === undefined ? null : this.object(pos);
  }
}

/** git's delta format: base size, result size, then copy-from-base and insert instructions. */
export function applyDelta(base: Buffer, delta: Buffer, bad: () => Error): Buffer {
  let p = 0;
  const varint = () => {
    let r = 0;
    let m = 1;
    let b: number;
    do {
      if (p >= delta.length) throw bad();
      b = delta[p++];
      r += (b & 0x7f) * m;
      m *= 128;
    } while (b & 0x80);
    return r;
  };
  if (varint() !== base.length) throw bad();
  const out = Buffer.allocUnsafe(varint());
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++];
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      if (op & 1) off += delta[p++];
      if (op & 2) off += delta[p++] * 0x100;
      if (op & 4) off += delta[p++] * 0x10000;
      if (op & 8) off += delta[p++] * 0x1000000;
      if (op & 0x10) len += delta[p++];
      if (op & 0x20) len += delta[p++] * 0x100;
      if (op & 0x40) len += delta[p++] * 0x10000;
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
