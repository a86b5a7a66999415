import type { ChunkingStrategy } from './ChunkingStrategy.js';

/**
 * Container-aware chunking for game builds: Godot `.pck`, zip-based packages
 * (`.zip`, `.apk`, `.ipa`, `.pk3`...) and uncompressed tar. The container is
 * read front to back as it streams past; every header (and directory) becomes
 * its own small chunk, and every entry's bytes are cut on their own by the
 * strategy a loose file of that name and size would get. So an asset that did
 * not change yields the same chunks in two builds, and a stored entry the same
 * chunks as the loose file in the project. The container is never rewritten,
 * only cut: restore is byte-identical whatever the cuts.
 *
 * With `blobEntries` (FILETYPE-v3) an entry small enough to be a blob as a loose file (kept whole, named)
 * is reported as a blob (lastChunkType): stored as the very object the loose file is, it costs nothing
 * when the project was committed first.
 *
 * Anything that does not parse (a truncated header, sizes that lie, zip64,
 * streamed zip entries of unknown size, a Godot table larger than the read
 * window) switches the rest of the file to the fallback chunker: never a crash,
 * never lost bytes.
 *
 * Like any chunker it does no I/O: it sees the bytes the caller hands it.
 */
export type ContainerFormat = 'zip' | 'tar' | 'pck';

/** How to cut one entry: a strategy, or null to keep the entry as one chunk. */
export type EntryPlanner = (name: string, size: number) => ChunkingStrategy | null;

interface Region {
  /** absolute offset where this region starts */
  readonly start: number;
  /** absolute offset where this region ends */
  readonly end: number;
  /** null: the whole region is one chunk (it is at most maxSize) */
  readonly strategy: ChunkingStrategy | null;
  /** the region is a named entry a loose file would store as one blob */
  readonly blob: boolean;
}

export class GameAssetChunker implements ChunkingStrategy {
  readonly name = 'GAMEASSET-v1';
  readonly params: Readonly<Record<string, number>>;
  readonly maxSize: number;
  readonly minSize = 1;
  /** absolute offset of the next byte to cut */
  private pos = 0;
  /** the entry being cut, if any */
  private region: Region | null = null;
  /** the structure did not parse: the rest of the file goes to the fallback chunker */
  private fallback = false;
  /** the container's entries are done (directory, trailer): the rest goes to the fallback chunker */
  private tail = false;
  /** Godot: the data regions, in file order, once the table is parsed */
  private queue: Region[] = [];
  /** tar: padding after the previous entry's data, cut with the next header */
  private tarPad = 0;
  /** zip: the previous entry is followed by a data descriptor */
  private zipTrailer = false;
  /** the type of the chunk cut last */
  private lastType: 'chunk' | 'blob' = 'chunk';

  constructor(
    readonly format: ContainerFormat,
    private readonly plan: EntryPlanner,
    private readonly rest: ChunkingStrategy,
    /** largest chunk any planned strategy may produce (>= rest.maxSize) */
    maxSize: number,
    /** report whole small named entries as blobs (FILETYPE-v3) */
    private readonly blobEntries = false,
  ) {
    this.maxSize = Math.max(maxSize, rest.maxSize);
    this.params = { format: ['zip', 'tar', 'pck'].indexOf(format) };
  }

  reset(): void {
    this.pos = 0;
    this.region = null;
    this.fallback = false;
    this.tail = false;
    this.queue = [];
    this.tarPad = 0;
    this.zipTrailer = false;
    this.lastType = 'chunk';
  }

  lastChunkType(): 'chunk' | 'blob' {
    return this.lastType;
  }

  /** The chunker gave up on the container structure at some point (for tests and reports). */
  get fellBack(): boolean {
    return this.fallback;
  }

  nextSplitPoint(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    this.lastType = 'chunk';
    const len = this.cut(buf, start, end, eof);
    this.pos += len;
    if (this.region && this.pos >= this.region.end) this.region = null;
    return len;
  }

  private cut(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    if (this.fallback || this.tail) return this.rest.nextSplitPoint(buf, start, end, eof);
    if (!this.region) {
      const header = this.parse(buf, start, end);
      if (header === null) {
        this.fallback = true;
        return this.rest.nextSplitPoint(buf, start, end, eof);
      }
      if (header > 0) return header;
      // header === 0: a region was set up without a header chunk in front
      if (!this.region) return this.rest.nextSplitPoint(buf, start, end, eof);
    }
    const r = this.region!;
    const remaining = r.end - this.pos;
    const avail = Math.min(end - start, remaining);
    if (avail <= 0) {
      this.fallback = true;
      return this.rest.nextSplitPoint(buf, start, end, eof);
    }
    if (r.strategy === null) {
      if (r.blob && this.pos === r.start && avail === r.end - r.start) this.lastType = 'blob';
      return avail;
    }
    // the region's end acts as the end of a file for the entry's own chunker
    return r.strategy.nextSplitPoint(buf, start, start + avail, eof || avail === remaining);
  }

  /**
   * Parse what starts at `pos`. Returns the length of a header chunk to cut
   * (and sets `region` for the entry after it), 0 when a region was set with no
   * header, or null when the bytes do not make sense (fall back).
   */
  private parse(buf: Uint8Array, start: number, end: number): number | null {
    switch (this.format) {
      case 'tar':
        return this.parseTar(buf, start, end);
      case 'zip':
        return this.parseZip(buf, start, end);
      case 'pck':
        return this.parsePck(buf, start, end);
    }
  }

  /** The entry after a header of `headerLen` bytes: cut as a loose file `name` would be (no name: generic). */
  private enter(headerLen: number, name: string, size: number): void {
    this.region = this.regionFor(this.pos + headerLen, name, size);
  }

  /** A region of `size` bytes at `start`, cut as a loose file `name` would be ('' for bytes that are no file). */
  private regionFor(start: number, name: string, size: number): Region {
    const planned = name ? this.plan(name, size) : null;
    // null keeps the entry whole, which only an entry that fits in one chunk may be
    const strategy = planned ?? (size > this.maxSize ? this.rest : null);
    const blob = this.blobEntries && !!name && strategy === null && size > 0;
    return { start, end: start + size, strategy, blob };
  }

  // ---- tar (ustar / GNU / pax): 512-byte headers, data padded to 512 ----

  private parseTar(buf: Uint8Array, start: number, end: number): number | null {
    const pad = this.tarPad;
    const h = start + pad;
    if (end - h < 512) return null;
    if (isZero(buf, h, 512)) {
      // end-of-archive blocks: the rest of the file in one go through the fallback
      this.tail = true;
      return pad + 512 <= end - start ? pad + 512 : null;
    }
    if (!tarChecksumOk(buf, h)) return null;
    const size = tarSize(buf, h + 124);
    if (size === null) return null;
    const type = buf[h + 156];
    const name = ascii(buf, h, 100);
    this.tarPad = (512 - (size % 512)) % 512;
    // only regular files carry an asset; other entries' data (long names, pax records) stays whole or CDC
    this.enter(pad + 512, type === 0x30 || type === 0 ? name : '', size);
    return pad + 512;
  }

  // ---- zip: local file headers in order; the central directory ends the entries ----

  private parseZip(buf: Uint8Array, start: number, end: number): number | null {
    let h = start;
    if (this.zipTrailer) {
      // data descriptor of the previous entry: optional signature, crc, sizes
      const withSig = end - h >= 4 && u32(buf, h) === 0x08074b50;
      h += withSig ? 16 : 12;
      this.zipTrailer = false;
    }
    if (end - h < 4) return null;
    const sig = u32(buf, h);
    if (sig === 0x02014b50 || sig === 0x06054b50 || sig === 0x06064b50) {
      this.tail = true;
      return h > start ? h - start : 0;
    }
    if (sig !== 0x04034b50 || end - h < 30) return null;
    const flags = u16(buf, h + 6);
    const method = u16(buf, h + 8);
    const compSize = u32(buf, h + 18);
    const nameLen = u16(buf, h + 26);
    const extraLen = u16(buf, h + 28);
    const headerEnd = h + 30 + nameLen + extraLen;
    if (headerEnd > end) return null;
    if (compSize === 0xffffffff) return null; // zip64: not parsed
    if (flags & 8) {
      // sizes come after the data: known only if the header repeats them
      if (compSize === 0) return null;
      this.zipTrailer = true;
    }
    const name = utf8(buf, h + 30, nameLen);
    // stored entries are the asset's own bytes; deflated ones dedup as whole entries across builds
    this.enter(headerEnd - start, method === 0 ? name : '', compSize);
    return headerEnd - start;
  }

  // ---- Godot PCK: header and file table first, then the files' data ----

  private parsePck(buf: Uint8Array, start: number, end: number): number | null {
    if (this.pos === 0) {
      const table = pckTable(buf, start, end);
      if (!table || table.tableEnd > this.maxSize) return null;
      // data regions in file order; gaps (alignment padding) become regions of their own
      let at = table.tableEnd;
      for (const f of table.files) {
        if (f.offset < at) return null; // overlapping, or pointing back into the table: it lies
        if (f.offset > at) this.queue.push(this.regionFor(at, '', f.offset - at));
        if (f.size > 0) this.queue.push(this.regionFor(f.offset, f.name, f.size));
        at = f.offset + f.size;
      }
      return table.tableEnd;
    }
    const next = this.queue.shift();
    if (!next) {
      this.tail = true;
      return 0;
    }
    this.region = next;
    return 0;
  }
}

/** byte o of b; 0 past its end (as the bit operators below always treated a missing byte) */
function at(b: Uint8Array, o: number): number {
  return b[o] ?? 0;
}
function u16(b: Uint8Array, o: number): number {
  return at(b, o) | (at(b, o + 1) << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (at(b, o) | (at(b, o + 1) << 8) | (at(b, o + 2) << 16) | (at(b, o + 3) << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 2 ** 32;
}
function isZero(b: Uint8Array, o: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[o + i] !== 0) return false;
  return true;
}
function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[o + i];
    if (c === undefined || c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}
function utf8(b: Uint8Array, o: number, n: number): string {
  return Buffer.from(b.buffer, b.byteOffset + o, n).toString('utf8');
}

function tarChecksumOk(b: Uint8Array, h: number): boolean {
  let sum = 0;
  if (h + 512 > b.length) return false;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : at(b, h + i);
  const stored = parseInt(ascii(b, h + 148, 8).trim(), 8);
  return Number.isFinite(stored) && stored === sum;
}

/** Octal (or GNU base-256) size field; null when it is not a number. */
function tarSize(b: Uint8Array, o: number): number | null {
  if (at(b, o) & 0x80) {
    let v = 0;
    for (let i = 1; i < 12; i++) v = v * 256 + at(b, o + i);
    return Number.isSafeInteger(v) ? v : null;
  }
  const s = ascii(b, o, 12).trim();
  if (!/^[0-7]*$/.test(s)) return null;
  return s ? parseInt(s, 8) : 0;
}

interface PckFile {
  name: string;
  offset: number;
  size: number;
}

/** Godot PCK v1/v2 header and file table, when all of it is in the window. */
function pckTable(b: Uint8Array, start: number, end: number): { tableEnd: number; files: PckFile[] } | null {
  let o = start;
  const need = (n: number) => o + n <= end;
  if (!need(4 + 16) || u32(b, o) !== 0x43504447) return null; // "GDPC"
  const version = u32(b, o + 4);
  if (version !== 1 && version !== 2) return null;
  o += 20;
  let base = 0;
  if (version === 2) {
    if (!need(12)) return null;
    const flags = u32(b, o);
    if (flags & 1) return null; // encrypted directory
    base = u64(b, o + 4);
    o += 12;
  }
  if (!need(16 * 4 + 4)) return null;
  o += 16 * 4;
  const count = u32(b, o);
  o += 4;
  if (count > 1_000_000) return null;
  const files: PckFile[] = [];
  for (let i = 0; i < count; i++) {
    if (!need(4)) return null;
    const n = u32(b, o);
    o += 4;
    if (n > 4096 || !need(n + 8 + 8 + 16 + (version === 2 ? 4 : 0))) return null;
    const name = utf8(b, o, n).replace(/\0+$/, '');
    o += n;
    const offset = u64(b, o) + base;
    const size = u64(b, o + 8);
    o += 8 + 8 + 16 + (version === 2 ? 4 : 0);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size)) return null;
    files.push({ name, offset, size });
  }
  files.sort((x, y) => x.offset - y.offset);
  return { tableEnd: o - start, files };
}
