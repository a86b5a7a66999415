import { TYPE_CODE, type ObjectType } from '../objects/types.js';

/** The codec byte of every stored record. */
export const CODEC_RAW = 0;
export const CODEC_ZSTD = 1;

/**
 * A pack record is self-describing, so a pack whose index is lost can be
 * re-indexed by reading it front to back:
 *   codec u8 | type u8 | id (32) | raw length u32 | payload length u32 | payload
 */
export const RECORD_HEADER = 42;

export function encodeRecordHeader(codec: number, type: ObjectType, id: string, rawLength: number, payloadLength: number): Buffer {
  const h = Buffer.allocUnsafe(RECORD_HEADER);
  h[0] = codec;
  h[1] = TYPE_CODE[type];
  h.write(id, 2, 32, 'hex');
  h.writeUInt32BE(rawLength, 34);
  h.writeUInt32BE(payloadLength, 38);
  return h;
}

/** Why a record's header disagrees with what the index says (null when it agrees). */
export function recordHeaderMismatch(rec: Uint8Array, expect: { id: string; type: ObjectType; codec: number; rawLength: number; length: number }): string | null {
  const b = Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
  if (b.length < RECORD_HEADER) return 'record shorter than its header';
  if (b[0] !== expect.codec) return 'codec byte does not match the index';
  if (b[1] !== TYPE_CODE[expect.type]) return 'type does not match the index';
  if (b.toString('hex', 2, 34) !== expect.id) return 'record holds another object id';
  if (b.readUInt32BE(34) !== expect.rawLength) return 'raw length does not match the index';
  if (b.readUInt32BE(38) !== expect.length - RECORD_HEADER) return 'payload length does not match the index';
  return null;
}
