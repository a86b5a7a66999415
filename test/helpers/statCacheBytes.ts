// The stat cache's bytes (see the format in src/plumbing/statCache.ts), read and rewritten by tests that craft
// caches: what older Vaults wrote, or what Vault never writes.
import { createHash } from 'node:crypto';

export interface RawRecord {
  readonly path: string;
  /** obj code: 1 blob, 2 chunk list, 3 folder listed whole, 4 folder to list */
  readonly obj: number;
  /** where the record starts and ends in the body */
  readonly start: number;
  readonly end: number;
}

/** The body of a cache file: between the magic and the checksum. */
export const bodyOf = (raw: Buffer): Buffer => raw.subarray(4, -32);

/** A cache file made of a magic and a body, with its checksum. */
export function withSum(magic: string, body: Buffer): Buffer {
  const bytes = Buffer.concat([Buffer.from(magic, 'latin1'), body]);
  return Buffer.concat([bytes, createHash('sha256').update(bytes).digest()]);
}

/** The length of a body's header (after the magic), its entry and folder counts. */
export function headerOf(b: Buffer): { length: number; entries: number; folders: number } {
  const flags = b[4]!;
  let length = 5 + ((flags & 1) + ((flags >> 1) & 1)) * 64;
  let folders = 0;
  if (flags & 4) {
    folders = b.readUInt32LE(length + 32);
    length += 36;
  }
  return { length, entries: b.readUInt32LE(0), folders };
}

/** Every record of a (VSC3 or VSC4) body, in order. */
export function recordsOf(b: Buffer): RawRecord[] {
  const head = headerOf(b);
  const out: RawRecord[] = [];
  let o = head.length;
  let prev = '';
  for (let i = 0; i < head.entries + head.folders; i++) {
    const k = b.readUInt16LE(o);
    const n = b.readUInt16LE(o + 2);
    const path = prev.slice(0, k) + b.toString('utf8', o + 4, o + 4 + n);
    const end = o + 4 + n + 61;
    out.push({ path, obj: b[o + 4 + n + 28]!, start: o, end });
    prev = path;
    o = end;
  }
  return out;
}

/**
 * A VSC4 body as the Vaults before folder records wrote it (VSC2, VSC3): the header without the rules digest and
 * folder count, the records without the folders' (each entry coded again against the entry before it).
 */
export function withoutFolders(b: Buffer): Buffer {
  const head = headerOf(b);
  if (!(b[4]! & 4)) return b;
  const first = Buffer.from(b.subarray(0, head.length - 36));
  first[4] = b[4]! & 3;
  const out: Buffer[] = [first];
  let last = '';
  for (const r of recordsOf(b)) {
    if (r.obj >= 3) continue;
    let same = 0;
    while (same < last.length && same < r.path.length && last[same] === r.path[same]) same++;
    const suffix = Buffer.from(r.path.slice(same), 'utf8');
    const rec = Buffer.alloc(4 + suffix.length + 61);
    rec.writeUInt16LE(same, 0);
    rec.writeUInt16LE(suffix.length, 2);
    suffix.copy(rec, 4);
    b.copy(rec, 4 + suffix.length, r.end - 61, r.end);
    out.push(rec);
    last = r.path;
  }
  return Buffer.concat(out);
}
