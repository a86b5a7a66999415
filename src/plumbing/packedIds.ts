import type { ObjectId, ObjectType } from '../objects/types.js';
import { TYPE_CODE, typeFromCode } from '../objects/types.js';
import type { PackEntry } from './pack/index.js';
import { PACK_INDEX_ENTRY, PACK_INDEX_START, packIndexOffset, type RawPackIndex } from './pack/packIndex.js';

const SEG_BITS = 16;
const SEG = 1 << SEG_BITS;
const MASK = SEG - 1;

interface Segment {
  readonly ids: Buffer;
  readonly packs: Uint16Array;
  readonly offsets: Float64Array;
  readonly lengths: Uint32Array;
  readonly rawLengths: Uint32Array;
  readonly types: Uint8Array;
  readonly codecs: Uint8Array;
}

function segment(): Segment {
  return {
    ids: Buffer.alloc(SEG * 32),
    packs: new Uint16Array(SEG),
    offsets: new Float64Array(SEG),
    lengths: new Uint32Array(SEG),
    rawLengths: new Uint32Array(SEG),
    types: new Uint8Array(SEG),
    codecs: new Uint8Array(SEG),
  };
}

/**
 * Every packed object's index entry and pack, in columns (~60 bytes an object)
 * with an open-addressing table over the ids' first four bytes, instead of a
 * Map of hex strings to entry objects (~200 bytes an object: 400 MB for the two
 * million objects of a million small files). Rows are held in segments of 64k,
 * so growing never copies them. The first entry added for an id stays.
 */
export class PackedIds {
  private readonly segs: Segment[] = [];
  private table = new Int32Array(1024);
  private count = 0;
  private readonly probe = Buffer.alloc(32);

  get size(): number {
    return this.count;
  }

  private static hashOf(b: Uint8Array, o: number): number {
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  /** The row of an id, or -1. */
  find(id: ObjectId): number {
    if (id.length !== 64) return -1;
    const p = this.probe;
    if (p.write(id, 0, 32, 'hex') !== 32) return -1;
    return this.findProbe();
  }

  /** The row of an id given as its 32 bytes, or -1. */
  findBytes(id: Uint8Array): number {
    if (id.length !== 32) return -1;
    this.probe.set(id);
    return this.findProbe();
  }

  private findProbe(): number {
    const p = this.probe;
    const t = this.table;
    const mask = t.length - 1;
    for (let i = PackedIds.hashOf(p, 0) & mask; ; i = (i + 1) & mask) {
      const r = t[i]! - 1;
      if (r < 0) return -1;
      const s = this.segs[r >>> SEG_BITS]!;
      const o = (r & MASK) * 32;
      if (p.compare(s.ids, o, o + 32) === 0) return r;
    }
  }

  has(id: ObjectId): boolean {
    return this.find(id) >= 0;
  }

  /** Add an entry unless its id is there; false when it was. */
  add(e: PackEntry, pack: number): boolean {
    if (this.find(e.id) >= 0) return false;
    const [s, j] = this.append();
    s.ids.write(e.id, j * 32, 32, 'hex');
    s.packs[j] = pack;
    s.offsets[j] = e.offset;
    s.lengths[j] = e.length;
    s.rawLengths[j] = e.rawLength;
    s.types[j] = TYPE_CODE[e.type];
    s.codecs[j] = e.codec;
    this.placeLast();
    return true;
  }

  /**
   * Add every entry of an inflated pack index (ids already there stay), straight from its bytes: no entry
   * object or hex string per object (loading the indexes of a million objects made 70 MB of them).
   */
  addIndex(idx: RawPackIndex, pack: number): void {
    const { buf } = idx;
    for (let i = 0, o = PACK_INDEX_START; i < idx.count; i++, o += PACK_INDEX_ENTRY) {
      this.probe.set(buf.subarray(o, o + 32));
      if (this.findProbe() >= 0) continue;
      const [s, j] = this.append();
      buf.copy(s.ids, j * 32, o, o + 32);
      s.packs[j] = pack;
      s.offsets[j] = packIndexOffset(buf, o);
      s.lengths[j] = buf.readUInt32BE(o + 40);
      s.rawLengths[j] = buf.readUInt32BE(o + 44);
      s.types[j] = buf[o + 48]!;
      s.codecs[j] = buf[o + 49]!;
      this.placeLast();
    }
  }

  /** A new row at the end: its segment and place there (fill it, then placeLast). */
  private append(): [Segment, number] {
    const r = this.count++;
    if ((r & MASK) === 0) this.segs.push(segment());
    return [this.segs[r >>> SEG_BITS]!, r & MASK];
  }

  /** Put the last row in the table, growing the table past half full. */
  private placeLast(): void {
    if (this.count * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(this.count - 1);
  }

  private place(r: number): void {
    const t = this.table;
    const mask = t.length - 1;
    const s = this.segs[r >>> SEG_BITS]!;
    let i = PackedIds.hashOf(s.ids, (r & MASK) * 32) & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = r + 1;
  }

  private rehash(slots: number): void {
    this.table = new Int32Array(slots);
    for (let r = 0; r < this.count; r++) this.place(r);
  }

  /** Lend row r's id bytes to `visit` (its segment's buffer and offset: read them, keep nothing). */
  visitId(r: number, visit: (id: Uint8Array, offset: number) => void): void {
    visit(this.segs[r >>> SEG_BITS]!.ids, (r & MASK) * 32);
  }

  pack(r: number): number {
    return this.segs[r >>> SEG_BITS]!.packs[r & MASK]!;
  }

  id(r: number): ObjectId {
    const j = r & MASK;
    return this.segs[r >>> SEG_BITS]!.ids.toString('hex', j * 32, j * 32 + 32);
  }

  type(r: number): ObjectType {
    return typeFromCode(this.segs[r >>> SEG_BITS]!.types[r & MASK]!)!;
  }

  rawLength(r: number): number {
    return this.segs[r >>> SEG_BITS]!.rawLengths[r & MASK]!;
  }

  entry(r: number): PackEntry {
    const s = this.segs[r >>> SEG_BITS]!;
    const j = r & MASK;
    return {
      id: s.ids.toString('hex', j * 32, j * 32 + 32),
      offset: s.offsets[j]!,
      length: s.lengths[j]!,
      rawLength: s.rawLengths[j]!,
      type: typeFromCode(s.types[j]!)!,
      codec: s.codecs[j]!,
    };
  }
}
