import { nodeCrypto, zlib } from '../../builtins.js';
import { MalformedObjectError, fsError } from '../../errors.js';
import { TYPE_CODE, typeFromCode, type ObjectType } from '../../objects/types.js';
import { joinPath, writeFileAtomic, type FsPromises } from '../fs.js';

/**
 * The pack index codec (`pack-<name>.idx`): which objects a pack holds and where.
 * (Records in the pack carry the same facts in their headers: see record.ts.)
 *   "VIDX0001" | u32 count | count x entry | sha256 of everything before it
 *   entry: id (32) | offset u64 | stored length u32 | raw length u32 | type u8 | codec u8
 * Entries are sorted by id. A pack is visible only once its index exists, and
 * the index is written (atomically) only after the pack is durable.
 * On disk the whole of that is raw-deflated behind "VIDX0002" (node's zlib): offsets
 * and lengths shrink, a quarter of the index, which counts in the repository's size.
 */
export const IDX_MAGIC = 'VIDX0001';
export const IDX_DEFLATED = 'VIDX0002';
const ENTRY = 50;

/** Where a record is in its pack, and what it holds. */
export interface PackEntry {
  readonly id: string;
  readonly offset: number;
  /** header and payload */
  readonly length: number;
  readonly rawLength: number;
  readonly type: ObjectType;
  readonly codec: number;
}

export function encodePackIndex(entries: readonly PackEntry[]): Buffer {
  const rows = new PackIndexRows();
  for (const e of entries) rows.add(e);
  return storedPackIndex(rows.sorted());
}

/** The stored form of an index body (as sorted() makes it): raw-deflated behind IDX_DEFLATED. */
export function storedPackIndex(idx: RawPackIndex): Buffer {
  return Buffer.concat([Buffer.from(IDX_DEFLATED, 'latin1'), zlib().deflateRawSync(idx.buf, { level: 6 })]);
}

/**
 * The entries of a pack being written, ENTRY bytes each in the index's own layout: ~50 bytes an object,
 * where an entry object and its hex id took ~190 (the pack of a commit's main thread, 130k small files,
 * held 25 MB of them until sealed).
 */
export class PackIndexRows {
  private rows = Buffer.allocUnsafe(ENTRY * 256);
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(e: PackEntry): void {
    if ((this.n + 1) * ENTRY > this.rows.length) {
      const grown = Buffer.allocUnsafe(this.rows.length * 2);
      this.rows.copy(grown, 0, 0, this.n * ENTRY);
      this.rows = grown;
    }
    const b = this.rows;
    const o = this.n * ENTRY;
    b.write(e.id, o, 32, 'hex');
    b.writeUInt32BE(Math.floor(e.offset / 2 ** 32), o + 32);
    b.writeUInt32BE(e.offset % 2 ** 32, o + 36);
    b.writeUInt32BE(e.length, o + 40);
    b.writeUInt32BE(e.rawLength, o + 44);
    b[o + 48] = TYPE_CODE[e.type];
    b[o + 49] = e.codec;
    this.n++;
  }

  /** The index body, entries sorted by id and checksummed: what inflatePackIndex gives back once it is stored. */
  sorted(): RawPackIndex {
    const { rows, n } = this;
    const order = sortedRows(rows, n);
    const buf = Buffer.alloc(12 + n * ENTRY + 32);
    buf.write(IDX_MAGIC, 0, 'latin1');
    buf.writeUInt32BE(n, 8);
    for (let i = 0; i < n; i++) rows.copy(buf, 12 + i * ENTRY, order[i]! * ENTRY, order[i]! * ENTRY + ENTRY);
    const end = 12 + n * ENTRY;
    nodeCrypto().createHash('sha256').update(buf.subarray(0, end)).digest().copy(buf, end);
    return { buf, count: n, sorted: true };
  }
}

/** Rows 0..n-1 of `rows` (ENTRY bytes each) in id order: a numeric sort on the ids' first four bytes, ties by id. */
function sortedRows(rows: Buffer, n: number): Uint32Array {
  const order = new Uint32Array(n);
  const cmp = (a: number, b: number) =>
    rows.compare(rows, b * ENTRY, b * ENTRY + 32, a * ENTRY, a * ENTRY + 32) || a - b;
  if (n >= 2 ** 21) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort(cmp);
  }
  // prefix * 2^21 + row is exact in a double: a typed-array sort without a comparator (~10x faster)
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = rows.readUInt32BE(i * ENTRY) * 2 ** 21 + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % 2 ** 21;
  // rows whose first four bytes are equal (rare): put each run in full id order
  for (let i = 1; i < n; i++) {
    if (Math.floor(keys[i]! / 2 ** 21) !== Math.floor(keys[i - 1]! / 2 ** 21)) continue;
    const start = i - 1;
    while (i + 1 < n && Math.floor(keys[i + 1]! / 2 ** 21) === Math.floor(keys[start]! / 2 ** 21)) i++;
    order.subarray(start, i + 1).sort(cmp);
  }
  return order;
}

/**
 * The inflated, checked body of a stored index: `count` entries of ENTRY bytes from
 * offset 12, sorted by id (read them with packIndexEntry, search with findInPackIndex).
 */
export interface RawPackIndex {
  readonly buf: Buffer;
  readonly count: number;
  /** entries in id order (an index written by Vault always is; searched linearly otherwise) */
  readonly sorted: boolean;
}

export const PACK_INDEX_ENTRY = ENTRY;
export const PACK_INDEX_START = 12;

/** Inflate and check a stored index without making an object per entry (EMALFORMED when it does not decode). */
export function inflatePackIndex(stored: Buffer, name: string): RawPackIndex {
  let buf = stored;
  if (stored.length >= 8 && stored.toString('latin1', 0, 8) === IDX_DEFLATED) {
    try {
      buf = zlib().inflateRawSync(stored.subarray(8));
    } catch (e) {
      throw new MalformedObjectError('pack index', `cannot inflate (${(e as Error).message})`, name);
    }
  }
  if (buf.length < 44 || buf.toString('latin1', 0, 8) !== IDX_MAGIC)
    throw new MalformedObjectError('pack index', 'bad header', name);
  const count = buf.readUInt32BE(8);
  const end = 12 + count * ENTRY;
  if (buf.length !== end + 32)
    throw new MalformedObjectError('pack index', `length ${buf.length} does not fit ${count} entries`, name);
  const sum = nodeCrypto().createHash('sha256').update(buf.subarray(0, end)).digest();
  if (!sum.equals(buf.subarray(end))) throw new MalformedObjectError('pack index', 'checksum mismatch', name);
  let sorted = true;
  for (let i = 0, o = PACK_INDEX_START; i < count; i++, o += ENTRY) {
    if (!typeFromCode(buf[o + 48]!)) throw new MalformedObjectError('pack index', `entry ${i} has unknown type`, name);
    if (sorted && i > 0 && buf.compare(buf, o - ENTRY, o - ENTRY + 32, o, o + 32) <= 0) sorted = false;
  }
  return { buf, count, sorted };
}

/** The pack offset of the index entry at byte `o` of an inflated index (u64, below 2^53). */
export function packIndexOffset(buf: Buffer, o: number): number {
  return buf.readUInt32BE(o + 32) * 2 ** 32 + buf.readUInt32BE(o + 36);
}

/** Entry `i` of an inflated index. */
export function packIndexEntry(idx: RawPackIndex, i: number): PackEntry {
  const { buf } = idx;
  const o = PACK_INDEX_START + i * ENTRY;
  return {
    id: buf.toString('hex', o, o + 32),
    offset: packIndexOffset(buf, o),
    length: buf.readUInt32BE(o + 40),
    rawLength: buf.readUInt32BE(o + 44),
    type: typeFromCode(buf[o + 48]!)!,
    codec: buf[o + 49]!,
  };
}

/** The entry number of an id (32 bytes) in an inflated index (binary search: entries are sorted), or -1. */
export function findInPackIndex(idx: RawPackIndex, id: Uint8Array): number {
  const { buf } = idx;
  if (!idx.sorted) {
    for (let i = 0, o = PACK_INDEX_START; i < idx.count; i++, o += ENTRY)
      if (buf.compare(id, 0, 32, o, o + 32) === 0) return i;
    return -1;
  }
  let lo = 0;
  let hi = idx.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const o = PACK_INDEX_START + mid * ENTRY;
    const c = buf.compare(id, 0, 32, o, o + 32);
    if (c === 0) return mid;
    if (c > 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

export function decodePackIndex(stored: Buffer, name: string): PackEntry[] {
  const idx = inflatePackIndex(stored, name);
  const out: PackEntry[] = new Array(idx.count);
  for (let i = 0; i < idx.count; i++) out[i] = packIndexEntry(idx, i);
  return out;
}

/** Write (or replace) the index of pack `name`, atomically: the pack becomes visible with these entries. */
export async function writePackIndex(
  fs: FsPromises,
  packsDir: string,
  name: string,
  entries: readonly PackEntry[] | RawPackIndex,
): Promise<void> {
  const stored = Array.isArray(entries)
    ? encodePackIndex(entries as readonly PackEntry[])
    : storedPackIndex(entries as RawPackIndex);
  await writeFileAtomic(fs, joinPath(packsDir, `${name}.idx`), stored, { mode: 0o444 });
}

/** Read and decode the index of pack `name` (EMALFORMED when it does not decode). */
export async function readPackIndex(fs: FsPromises, packsDir: string, name: string): Promise<PackEntry[]> {
  const file = joinPath(packsDir, `${name}.idx`);
  let buf: Buffer;
  try {
    buf = (await fs.readFile(file)) as Buffer;
  } catch (e) {
    throw fsError(e, 'read', file);
  }
  return decodePackIndex(buf, `${name}.idx`);
}
