import { TYPE_CODE, typeFromCode, type ObjectId, type ObjectType } from '../../objects/types.js';
import type { Codec } from '../codec.js';
import { MAX_INPUT } from '../zstd.js';

/**
 * The record codec: how one object's bytes are stored, in a pack or as a loose object (see README.md).
 *   record       codec u8 | type u8 | raw length u32 | payload length u32 | payload
 *   loose object 'V' | type u8 | codec u8 | raw length u32 | payload
 * The payload is the object's body, raw or zstd-compressed (the codec byte says which). A record is
 * self-describing, so a pack whose index is lost can be re-indexed by reading it front to back (the id
 * is not stored: decompressing and hashing the body gives it back, and saves 32 bytes an object).
 */

/** The codec byte of every stored record. */
export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;

/** The first bytes of every pack file. */
export const PACK_MAGIC = 'VPACK001';

export const RECORD_HEADER = 10;
export const LOOSE_HEADER = 7;
const LOOSE_MAGIC = 0x56; // 'V'

/** Objects smaller than this are never compressed: zstd's frame would eat the gain. */
const MIN_COMPRESS = 64;

/** One stored record: what a pack holds for an object. */
export interface RawRecord {
  readonly id: ObjectId;
  readonly type: ObjectType;
  readonly codec: number;
  readonly rawLength: number;
  readonly payload: Uint8Array;
}

/** What an index entry says a record holds (the record's header must agree). */
export interface RecordFacts {
  readonly type: ObjectType;
  readonly codec: number;
  readonly rawLength: number;
  /** header and payload */
  readonly length: number;
}

export function encodeRecordHeader(codec: number, type: ObjectType, rawLength: number, payloadLength: number): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEADER);
  h[0] = codec;
  h[1] = TYPE_CODE[type];
  h.writeUInt32BE(rawLength, 2);
  h.writeUInt32BE(payloadLength, 6);
  return h;
}

/** The header of the record at `at` in `buf`; null when no record could start there (unknown type, short). */
export function decodeRecordHeader(
  buf: Buffer,
  at: number,
): { codec: number; type: ObjectType; rawLength: number; payloadLength: number } | null {
  if (at + RECORD_HEADER > buf.length) return null;
  const type = typeFromCode(buf[at + 1]!);
  if (!type) return null;
  return { codec: buf[at]!, type, rawLength: buf.readUInt32BE(at + 2), payloadLength: buf.readUInt32BE(at + 6) };
}

/** Why a record's header disagrees with what the index says (null when it agrees). */
export function recordHeaderMismatch(rec: Uint8Array, expect: RecordFacts): string | null {
  const b = Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
  if (b.length < RECORD_HEADER) return 'record shorter than its header';
  if (b[0] !== expect.codec) return 'codec byte does not match the index';
  if (b[1] !== TYPE_CODE[expect.type]) return 'type does not match the index';
  if (b.readUInt32BE(2) !== expect.rawLength) return 'raw length does not match the index';
  if (b.readUInt32BE(6) !== expect.length - RECORD_HEADER) return 'payload length does not match the index';
  return null;
}

export function encodeLooseObject(type: ObjectType, codec: number, rawLength: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(LOOSE_HEADER);
  head[0] = LOOSE_MAGIC;
  head[1] = TYPE_CODE[type];
  head[2] = codec;
  head.writeUInt32BE(rawLength, 3);
  return Buffer.concat([head, payload]);
}

/** A loose object's header and payload (content not verified), or why it is not one. */
export function decodeLooseObject(
  buf: Buffer,
): { type: ObjectType; codec: number; rawLength: number; payload: Buffer } | string {
  if (buf.length < LOOSE_HEADER || buf[0] !== LOOSE_MAGIC) return 'bad loose object header';
  const type = typeFromCode(buf[1]!);
  if (!type) return `unknown type code ${buf[1]}`;
  return { type, codec: buf[2]!, rawLength: buf.readUInt32BE(3), payload: buf.subarray(LOOSE_HEADER) };
}

/**
 * Encode a body as a record's payload: compressed when asked and when it pays (saves at least 2%).
 * Takes ownership of `body` (it may travel to a worker thread); `spare` is memory handed back for reuse.
 */
export async function encodePayload(
  body: Uint8Array,
  compress: boolean,
  codec: Codec,
  level: number,
): Promise<{ codec: number; payload: Uint8Array; spare?: ArrayBuffer }> {
  // zstd-codec cannot take inputs above MAX_INPUT in one go: such objects (only ever made by
  // plumbing or a custom chunker) are stored raw rather than refused
  if (compress && body.length >= MIN_COMPRESS && body.length <= MAX_INPUT) {
    const r = await codec.compress(body, level);
    return { codec: r.compressed ? CODEC_ZSTD : CODEC_RAW, payload: r.data, spare: r.input };
  }
  return { codec: CODEC_RAW, payload: body };
}
