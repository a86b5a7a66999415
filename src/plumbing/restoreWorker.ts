import { parentPort } from 'node:worker_threads';
import { CorruptObjectError, MalformedObjectError } from '../errors.js';
import { hashObject } from '../objects/hashObject.js';
import type { ObjectType } from '../objects/types.js';
import { isNotFound, readFully, type FileHandle } from './fs.js';
import { CODEC_RAW, CODEC_ZSTD, RECORD_HEADER, recordHeaderMismatch } from './objectCodes.js';
import { setSize, writeOrHole } from './sparse.js';
import { syncFs } from './syncFs.js';
import { serve } from './workerPool.js';
import { loadZstd } from './zstd.js';

/**
 * A worker that writes whole files during restore: it reads each part's record
 * straight from its pack file, decompresses it, checks it against its id, and
 * writes it into a new temp file (created exclusively: never through a link),
 * leaving a hole for a part that is all zeros. A failing part fails only its file.
 * The main thread checked the path and renames the temp file into place.
 */
export interface RestorePart {
  id: string;
  type: ObjectType;
  packPath: string;
  offset: number;
  length: number;
  rawLength: number;
  codec: number;
}

export interface RestoreRequest {
  /** bytes when a name in it is not UTF-8 (see diskPath.ts; they arrive as a Uint8Array, which node's fs takes too) */
  tmp: string | Buffer;
  mode: number;
  /** ms since epoch */
  mtime: number;
  size: number;
  parts: RestorePart[];
}

const fs = syncFs;
const zstd = await loadZstd();
const handles = new Map<string, FileHandle>();
let scratch = Buffer.allocUnsafe(1024 * 1024);

async function pack(path: string): Promise<FileHandle> {
  let h = handles.get(path);
  if (!h) {
    if (handles.size > 64) {
      for (const [p, old] of handles) {
        await old.close();
        handles.delete(p);
        break;
      }
    }
    h = await fs.open(path, 'r');
    handles.set(path, h);
  }
  return h;
}

/** The part's verified bytes; a view valid until the next call (written out at once). */
async function readPart(p: RestorePart): Promise<Uint8Array> {
  if (scratch.length < p.length) scratch = Buffer.allocUnsafe(Math.max(p.length, scratch.length * 2));
  const fh = await pack(p.packPath);
  const where = p.packPath.slice(p.packPath.lastIndexOf('/') + 1);
  const n = await readFully(fh, scratch, 0, p.length, p.offset);
  if (n !== p.length) throw new CorruptObjectError(p.id, `pack is truncated (read ${n} of ${p.length} bytes)`, where);
  const bad = recordHeaderMismatch(scratch.subarray(0, p.length), {
    id: p.id,
    type: p.type,
    codec: p.codec,
    rawLength: p.rawLength,
    length: p.length,
  });
  if (bad) throw new CorruptObjectError(p.id, bad, where);
  const payload = scratch.subarray(RECORD_HEADER, p.length);
  let body: Uint8Array;
  if (p.codec === CODEC_RAW) body = payload;
  else if (p.codec === CODEC_ZSTD) {
    try {
      body = zstd.decompressView(payload, p.rawLength);
    } catch (e) {
      throw new CorruptObjectError(p.id, `cannot decompress (${(e as Error).message})`, where);
    }
  } else throw new CorruptObjectError(p.id, `unknown codec ${p.codec}`, where);
  if (body.length !== p.rawLength || hashObject(p.type, body) !== p.id)
    throw new CorruptObjectError(p.id, 'content does not match its id', where);
  return body;
}

serve<RestoreRequest, number>(
  parentPort! as never,
  async (req) => {
    const out = await fs.open(req.tmp, 'wx', 0o600);
    let pos = 0;
    try {
      for (const p of req.parts) {
        const body = await readPart(p);
        await writeOrHole(out, body, pos);
        pos += body.length;
      }
      await setSize(out, pos);
    } finally {
      await out.close();
    }
    if (pos !== req.size)
      throw new MalformedObjectError('tree', `file has ${pos} bytes of content, the tree says ${req.size}`);
    await fs.chmod(req.tmp, req.mode);
    await fs.utimes(req.tmp, req.mtime / 1000, req.mtime / 1000);
    return pos;
  },
  (e) => ({ code: (e as { code?: string }).code, message: (e as Error).message ?? String(e), notFound: isNotFound(e) }),
);
