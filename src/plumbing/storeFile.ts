import { PermissionDeniedError, VaultError, fsError, isPermissionDenied } from '../errors.js';
import { encodeChunkList } from '../objects/chunkList.js';
import { hashObject } from '../objects/hashObject.js';
import type { ChunkRef, EntryObj, ObjectId, ObjectType } from '../objects/types.js';
import type { FilePlan } from './chunkers/FileTypeAwareChunker.js';
import type { FileHandle, FsPromises } from './fs.js';
import type { StatInfo } from './statCache.js';

/** Where new objects go. `null` sink: only compute ids (status, diff against the worktree). */
export interface ObjectSink {
  known(id: ObjectId): Promise<boolean>;
  /** body is borrowed: copied (if stored) before the returned promise settles */
  put(type: ObjectType, body: Uint8Array, opts: { compress?: boolean; id?: ObjectId }): Promise<ObjectId>;
}

export class FileChangedError extends VaultError {
  constructor(path: string) {
    super(
      'ECHANGED',
      `${path} kept changing while it was read`,
      { path },
      'commit again when the program writing it has finished',
    );
  }
}

/** The file to read could not be opened: permission denied. The commit skips it and names it. */
export class FileUnreadableError extends PermissionDeniedError {
  constructor(path: string, cause: string) {
    super('open', path, cause);
  }
}

export interface StoredFile {
  readonly obj: EntryObj;
  readonly id: ObjectId;
  readonly size: number;
  /** bytes of content read */
  readonly read: number;
  /** the file's stat data, unchanged from before to after the read */
  readonly stat: StatInfo;
}

/** A reusable read buffer: allocating fresh memory per file is slow on these machines. */
export class ReadBuffer {
  private buf?: Buffer;
  constructor(readonly size: number) {}
  get(): Buffer {
    return (this.buf ??= Buffer.allocUnsafe(this.size));
  }
}

const HEAD_BYTES = 16;

async function sameStat(fh: FileHandle, before: StatInfo): Promise<boolean> {
  const st = await fh.stat();
  return Number(st.size) === before.size && Number(st.mtimeMs) === before.mtimeMs;
}

export interface StoreFileOptions {
  fs: FsPromises;
  /** absolute (or fs-relative) path to read; bytes for a name that is not UTF-8 (see diskPath.ts) */
  path: string | Buffer;
  /** picks blob-or-chunks and the chunker from name, size and first bytes */
  plan: (size: number, head: Uint8Array) => FilePlan;
  sink: ObjectSink | null;
  buffer: ReadBuffer;
  /** bytes of content read, as they are read (progress) */
  onBytes?: (n: number) => void;
}

/**
 * Hash (and store, when a sink is given) one regular file, streaming: a file
 * of any size is read in blocks into one reused buffer and cut into chunks.
 * A file that changes while it is read (size or mtime differ after reading) is
 * read again, up to 3 times, then reported with FileChangedError.
 */
export async function storeFile(opts: StoreFileOptions): Promise<StoredFile> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fh: FileHandle;
    try {
      fh = await opts.fs.open(opts.path, 'r');
    } catch (e) {
      if (isPermissionDenied(e)) throw new FileUnreadableError(String(opts.path), (e as Error).message);
      throw fsError(e, 'open', opts.path);
    }
    try {
      const st = await fh.stat();
      const now: StatInfo = {
        size: Number(st.size),
        mtimeMs: Number(st.mtimeMs),
        ino: Number(st.ino),
        mode: Number(st.mode),
      };
      const result = await readAndStore(fh, now, opts);
      if (result && (await sameStat(fh, now))) return { ...result, stat: now };
    } catch (e) {
      throw fsError(e, 'read', opts.path);
    } finally {
      await fh.close().catch(() => {});
    }
  }
  throw new FileChangedError(String(opts.path));
}

async function putIfNew(
  sink: ObjectSink | null,
  type: ObjectType,
  view: Uint8Array,
  compress: boolean,
): Promise<ObjectId> {
  const id = hashObject(type, view);
  if (sink && !(await sink.known(id))) await sink.put(type, view, { id, compress });
  return id;
}

/** null when the file turned out to have a different size than stat said (it changed). */
async function readAndStore(
  fh: FileHandle,
  st: StatInfo,
  opts: StoreFileOptions,
): Promise<Omit<StoredFile, 'stat'> | null> {
  const buf = opts.buffer.get();
  // first bytes decide the plan (magic numbers)
  const first = await fh.read(buf, 0, Math.min(buf.length, Math.max(HEAD_BYTES, Math.min(st.size + 1, buf.length))), 0);
  let end = first.bytesRead;
  const plan = opts.plan(st.size, buf.subarray(0, Math.min(end, HEAD_BYTES)));

  if (plan.store === 'blob' && st.size < buf.length) {
    // whole file fits: it is in buf already if the first read got all of it
    let eof = false;
    while (!eof && end < buf.length) {
      const { bytesRead } = await fh.read(buf, end, buf.length - end, end);
      if (bytesRead === 0) eof = true;
      end += bytesRead;
    }
    opts.onBytes?.(end);
    if (end !== st.size) return null;
    const id = await putIfNew(opts.sink, 'blob', buf.subarray(0, end), plan.compress);
    return { obj: 'blob', id, size: end, read: end };
  }

  const strategy = plan.strategy;
  strategy.reset();
  const max = strategy.maxSize;
  if (buf.length < max + 64 * 1024)
    throw new RangeError(`read buffer of ${buf.length} bytes is too small for chunks of ${max}`);
  const chunks: ChunkRef[] = [];
  let start = 0;
  let pos = end;
  let eof = end === 0;
  let total = 0;
  opts.onBytes?.(end);
  for (;;) {
    if (!eof && end - start < max) {
      if (start > 0) {
        buf.copyWithin(0, start, end);
        end -= start;
        start = 0;
      }
      while (end < buf.length && !eof) {
        const { bytesRead } = await fh.read(buf, end, buf.length - end, pos);
        if (bytesRead === 0) eof = true;
        end += bytesRead;
        pos += bytesRead;
        opts.onBytes?.(bytesRead);
      }
    }
    if (start >= end) break;
    const len = strategy.nextSplitPoint(buf, start, end, eof);
    // a small file inside a container may be stored as the blob its loose copy is (FILETYPE-v3)
    const type = strategy.lastChunkType?.() ?? 'chunk';
    const id = await putIfNew(opts.sink, type, buf.subarray(start, start + len), plan.compress);
    chunks.push({ id, size: len });
    start += len;
    total += len;
  }
  if (total !== st.size) return null;
  const list = encodeChunkList({ size: total, chunks });
  const id = hashObject('chunklist', list);
  if (opts.sink && !(await opts.sink.known(id))) await opts.sink.put('chunklist', list, { id, compress: true });
  return { obj: 'chunklist', id, size: total, read: total };
}
