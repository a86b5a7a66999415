import { MalformedObjectError } from '../errors.js';
import type { ChunkList } from './types.js';

const ENTRY = 36;

export function encodeChunkList(list: ChunkList): Buffer {
  const buf = Buffer.alloc(12 + list.chunks.length * ENTRY);
  buf.writeBigUInt64BE(BigInt(list.size), 0);
  buf.writeUInt32BE(list.chunks.length, 8);
  let o = 12;
  let sum = 0;
  for (const c of list.chunks) {
    if (buf.write(c.id, o, 32, 'hex') !== 32) throw new MalformedObjectError('chunklist', `bad chunk id ${c.id}`);
    buf.writeUInt32BE(c.size, o + 32);
    sum += c.size;
    o += ENTRY;
  }
  if (sum !== list.size) throw new MalformedObjectError('chunklist', `chunk sizes add up to ${sum}, not ${list.size}`);
  return buf;
}

export function decodeChunkList(body: Uint8Array, id?: string): ChunkList {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf.length < 12) throw new MalformedObjectError('chunklist', 'too short', id);
  const size = Number(buf.readBigUInt64BE(0));
  const count = buf.readUInt32BE(8);
  if (buf.length !== 12 + count * ENTRY)
    throw new MalformedObjectError('chunklist', `length ${buf.length} does not fit ${count} entries`, id);
  const chunks = new Array(count);
  let sum = 0;
  for (let i = 0, o = 12; i < count; i++, o += ENTRY) {
    const s = buf.readUInt32BE(o + 32);
    if (s === 0) throw new MalformedObjectError('chunklist', `chunk ${i} has size 0`, id);
    chunks[i] = { id: buf.toString('hex', o, o + 32), size: s };
    sum += s;
  }
  if (sum !== size) throw new MalformedObjectError('chunklist', `chunk sizes add up to ${sum}, not ${size}`, id);
  return { size, chunks };
}

/**
 * What a chunk list may name: chunks and, in FILETYPE-v3 vaults, blobs (a small file inside a build,
 * stored as the very blob its loose copy is). Readers take either; the id says which bytes.
 */
export function isChunkPart(type: string): type is 'chunk' | 'blob' {
  return type === 'chunk' || type === 'blob';
}
