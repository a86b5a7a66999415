import { parentPort } from 'node:worker_threads';
import { MalformedObjectError } from '../errors.js';
import type { ObjectType } from '../objects/types.js';
import { isNotFound, type FileHandle } from './fs.js';
import { readVerifiedRecord } from './pack/index.js';
import { setSize, writeOrHole } from './sparse.js';
import { syncFs } from './syncFs.js';
import { serve } from './workerPool.js';
import { loadZstd } from './zstd.js';

/**
 * A worker that writes whole files during restore: it reads each part's record
 * straight from its pack file with the pack module's verified reader, and
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
/** decompression right here: this thread is itself one of several */
const inline = { decompress: zstd.decompressView };
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
  const where = p.packPath.slice(p.packPath.lastIndexOf('/') + 1);
  return readVerifiedRecord(await pack(p.packPath), p, where, inline, scratch);
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
    if (req.mtime > 0) await fs.utimes(req.tmp, req.mtime / 1000, req.mtime / 1000);
    return pos;
  },
  (e) => ({ code: (e as { code?: string }).code, message: (e as Error).message ?? String(e), notFound: isNotFound(e) }),
);
