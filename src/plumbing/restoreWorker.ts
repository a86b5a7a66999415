import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { MalformedObjectError } from '../errors.js';
import type { ObjectType } from '../objects/types.js';
import { isNotFound, type FileHandle } from './fs.js';
import { readVerifiedRecord } from './pack/index.js';
import { setSizeSync, writeOrHoleSync } from './sparse.js';
import { syncFs } from './syncFs.js';
import { serve } from './workerPool.js';
import { loadZstd } from './zstd.js';

/**
 * A worker that writes whole files during restore: it reads each part's record
 * straight from its pack file with the pack module's verified reader, and
 * writes it into a new temp file (created exclusively: never through a link),
 * leaving a hole for a part that is all zeros; then it gives the file its mode
 * and time through the open descriptor and renames it into place. A failing
 * part fails only its file (the temp file is removed). The main thread checked
 * both paths: the folder is a real folder and nothing is in the way.
 *
 * Per file that is open, write(s), futimes, close and rename, plus ftruncate
 * only when the file ends in a hole and fchmod only when the umask took bits
 * off the mode: for 100k small files the calls are most of the cost, and doing
 * the rename here keeps the main thread (which the CLI runs with blocking fs
 * calls) from becoming the one queue every file waits in.
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
  /** where the file goes once written */
  dest: string | Buffer;
  mode: number;
  /** the process umask (open applies it; the mode is set exactly, as before) */
  umask: number;
  /** ms since epoch */
  mtime: number;
  size: number;
  parts: RestorePart[];
  /** reply with the written file's stat data (an in-place restore's stat cache learns it) */
  stat: boolean;
}

/** What the stat cache keeps of a restored file (null when not asked for). */
export type RestoreReply = { size: number; mtimeMs: number; ino: number; mode: number } | null;

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
    h = await syncFs.open(path, 'r');
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

async function restoreFile(req: RestoreRequest): Promise<RestoreReply> {
  const fd = fs.openSync(req.tmp, 'wx', req.mode);
  let closed = false;
  try {
    let pos = 0;
    /** the end of the last bytes written: the file's size unless it ends in a hole */
    let end = 0;
    for (const p of req.parts) {
      const body = await readPart(p);
      if (writeOrHoleSync(fd, body, pos)) end = pos + body.length;
      pos += body.length;
    }
    if (pos !== req.size)
      throw new MalformedObjectError('tree', `file has ${pos} bytes of content, the tree says ${req.size}`);
    setSizeSync(fd, pos, end);
    if ((req.mode & req.umask) !== 0) fs.fchmodSync(fd, req.mode);
    if (req.mtime > 0) fs.futimesSync(fd, req.mtime / 1000, req.mtime / 1000);
    const st = req.stat ? fs.fstatSync(fd) : null;
    closed = true;
    fs.closeSync(fd);
    fs.renameSync(req.tmp, req.dest);
    return st && { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, mode: st.mode };
  } catch (e) {
    if (!closed) fs.closeSync(fd);
    try {
      fs.unlinkSync(req.tmp);
    } catch {
      // gone already, or never made: nothing to clean
    }
    throw e;
  }
}

serve<RestoreRequest, RestoreReply>(parentPort! as never, restoreFile, (e) => ({
  code: (e as { code?: string }).code,
  message: (e as Error).message ?? String(e),
  notFound: isNotFound(e),
}));
