import { hashObject } from '../../objects/hashObject.js';
import { typeFromCode } from '../../objects/types.js';
import type { PackEntry } from './packIndex.js';
import { decodePayload, type Decompressor } from './reader.js';
import { CODEC_RAW, CODEC_ZSTD, PACK_MAGIC, RECORD_HEADER, decodeRecordHeader } from './record.js';

export interface ScannedPack {
  /** records that decode and hash correctly, with their recovered ids */
  readonly entries: PackEntry[];
  /** byte ranges that could not be read as records */
  readonly bad: { offset: number; length: number; reason: string }[];
}

/** Whether a record header at `at` is plausible (cheap check, no allocation, before trying to decode it). */
function plausible(buf: Buffer, at: number): boolean {
  if (at + RECORD_HEADER > buf.length) return false;
  const codec = buf[at];
  if (codec !== CODEC_RAW && codec !== CODEC_ZSTD) return false;
  if (!typeFromCode(buf[at + 1]!)) return false;
  const raw = buf.readUInt32BE(at + 2);
  const len = buf.readUInt32BE(at + 6);
  if (at + RECORD_HEADER + len > buf.length) return false;
  if (codec === CODEC_RAW && raw !== len) return false;
  if (codec === CODEC_ZSTD && (len === 0 || raw > 64 * 1024 * 1024)) return false;
  return true;
}

/** The plausible record at `at`, decoded and hashed to recover its id; null when it does not decode. */
async function recordAt(buf: Buffer, at: number, name: string, d: Decompressor): Promise<PackEntry | null> {
  const h = decodeRecordHeader(buf, at)!;
  const payload = buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + h.payloadLength);
  try {
    const body = await decodePayload('record', h.codec, payload, h.rawLength, name, d);
    const id = hashObject(h.type, body);
    return {
      id,
      offset: at,
      length: payload.length + RECORD_HEADER,
      rawLength: h.rawLength,
      type: h.type,
      codec: h.codec,
    };
  } catch {
    return null;
  }
}

/**
 * Re-index a pack from its bytes: read records front to back, decode and hash
 * each to recover its id. An unreadable record is skipped by searching forward
 * for the next header that decodes and hashes correctly (bounded by
 * `maxProbes` decode attempts), so one damaged record loses only itself.
 */
export async function scanPack(
  src: { readonly codec: Decompressor },
  buf: Buffer,
  name: string,
  maxProbes = 100_000,
): Promise<ScannedPack> {
  const entries: PackEntry[] = [];
  const bad: ScannedPack['bad'] = [];
  if (buf.length < PACK_MAGIC.length || buf.toString('latin1', 0, PACK_MAGIC.length) !== PACK_MAGIC) {
    bad.push({ offset: 0, length: Math.min(buf.length, PACK_MAGIC.length), reason: 'bad pack header' });
  }
  let o = PACK_MAGIC.length;
  let probes = 0;
  const tryAt = async (at: number): Promise<PackEntry | null> => {
    if (!plausible(buf, at)) return null;
    probes++;
    return recordAt(buf, at, name, src.codec);
  };
  while (o < buf.length) {
    const e = await tryAt(o);
    if (e) {
      entries.push(e);
      o += e.length;
      continue;
    }
    // damaged: look for the next record that proves itself by its hash
    let next = -1;
    for (let p = o + 1; p < buf.length && probes < maxProbes; p++) {
      if (await tryAt(p)) {
        next = p;
        break;
      }
    }
    const end = next < 0 ? buf.length : next;
    bad.push({ offset: o, length: end - o, reason: 'unreadable record' });
    o = end;
  }
  // the same object twice in one pack (never written so, but harmless): keep the first
  const seen = new Set<string>();
  return { entries: entries.filter((e) => !seen.has(e.id) && seen.add(e.id)), bad };
}
