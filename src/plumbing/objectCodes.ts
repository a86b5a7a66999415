import { TYPE_CODE, type ObjectType } from '../objects/types.js';

/** The codec byte of every stored record. */
export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;

/**
 * A pack record is self-describing, so a pack whose index is lost can be
 * re-indexed by reading it front to back (the id is not stored: decompressing
 * and hashing the body gives it back, and saves 32 bytes an object):
 *   codec u8 | type u8 | raw length u32 | payload length u32 | payload
 */
export const RECORD_HEADER = 10;

export function encodeRecordHeader(codec: number, type: ObjectType, rawLength: number, payloadLength: number): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEADER);
  h[0] = codec;
  h[1] = TYPE_CODE[type];
  h.writeUInt32BE(rawLength, 2);
  h.writeUInt32BE(payloadLength, 6);
  return h;
}

/** Why a record's header disagrees with what the index says (null when it agrees). */
export function recordHeaderMismatch(
  rec: Uint8Array,
  expect: { id: string; type: ObjectType; codec: number; rawLength: number; length: number },
): string | null {
  const b = Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
  if (b.length < RECORD_HEADER) return 'record shorter than its header';
  if (b[0] !== expect.codec) return 'codec byte does not match the index';
  if (b[1] !== TYPE_CODE[expect.type]) return 'type does not match the index';
  if (b.readUInt32BE(2) !== expect.rawLength) return 'raw length does not match the index';
  if (b.readUInt32BE(6) !== expect.length - RECORD_HEADER) return 'payload length does not match the index';
  return null;
}
