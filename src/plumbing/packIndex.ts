import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { MalformedObjectError } from '../errors.js';
import { typeFromCode, type ObjectType } from '../objects/types.js';

/**
 * Pack index (`pack-<name>.idx`): which objects a pack holds and where.
 * (Records in the pack carry the same facts in their headers: see objectCodes.ts.)
 *   "VIDX0001" | u32 count | count x entry | sha256 of everything before it
 *   entry: id (32) | offset u64 | stored length u32 | raw length u32 | type u8 | codec u8
 * Entries are sorted by id. A pack is visible only once its index exists, and
 * the index is written (atomically) only after the pack is durable.
 * On disk the whole of that is raw-deflated behind "VIDX0002" (node's zlib): offsets
 * and lengths shrink, a quarter of the index, which counts in the repository's size.
 */
export const IDX_MAGIC = 'VIDX0001';
export const IDX_DEFLATED = 'VIDX0002';
export const PACK_MAGIC = 'VPACK001';
const ENTRY = 50;

export interface PackEntry {
  readonly id: string;
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
  readonly type: ObjectType;
  readonly codec: number;
}

export function encodePackIndex(entries: PackEntry[], typeCode: (t: ObjectType) => number): Buffer {
  const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const buf = Buffer.alloc(12 + sorted.length * ENTRY + 32);
  buf.write(IDX_MAGIC, 0, 'latin1');
  buf.writeUInt32BE(sorted.length, 8);
  let o = 12;
  for (const e of sorted) {
    buf.write(e.id, o, 32, 'hex');
    buf.writeBigUInt64BE(BigInt(e.offset), o + 32);
    buf.writeUInt32BE(e.length, o + 40);
    buf.writeUInt32BE(e.rawLength, o + 44);
    buf.writeUInt8(typeCode(e.type), o + 48);
    buf.writeUInt8(e.codec, o + 49);
    o += ENTRY;
  }
  createHash('sha256').update(buf.subarray(0, o)).digest().copy(buf, o);
  return Buffer.concat([Buffer.from(IDX_DEFLATED, 'latin1'), deflateRawSync(buf, { level: 6 })]);
}

export function decodePackIndex(stored: Buffer, name: string): PackEntry[] {
  let buf = stored;
  if (stored.length >= 8 && stored.toString('latin1', 0, 8) === IDX_DEFLATED) {
    try {
      buf = inflateRawSync(stored.subarray(8));
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
  const sum = createHash('sha256').update(buf.subarray(0, end)).digest();
  if (!sum.equals(buf.subarray(end))) throw new MalformedObjectError('pack index', 'checksum mismatch', name);
  const out: PackEntry[] = new Array(count);
  for (let i = 0, o = 12; i < count; i++, o += ENTRY) {
    const type = typeFromCode(buf.readUInt8(o + 48));
    if (!type) throw new MalformedObjectError('pack index', `entry ${i} has unknown type`, name);
    out[i] = {
      id: buf.toString('hex', o, o + 32),
      offset: Number(buf.readBigUInt64BE(o + 32)),
      length: buf.readUInt32BE(o + 40),
      rawLength: buf.readUInt32BE(o + 44),
      type,
      codec: buf.readUInt8(o + 49),
    };
  }
  return out;
}
