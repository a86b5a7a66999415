import type * as fsp from 'node:fs/promises';
import { nodeCrypto } from '../builtins.js';
import { fsError } from '../errors.js';

/**
 * The filesystem Vault works through: a subset of node's `fs/promises`. Every
 * function takes it as an option, so tests pass memfs (or a wrapper that counts
 * reads or injects ENOSPC/EIO) and nothing reaches for `node:fs` directly.
 */
export type FsPromises = Pick<
  typeof fsp,
  | 'open'
  | 'readFile'
  | 'writeFile'
  | 'stat'
  | 'lstat'
  | 'readdir'
  | 'mkdir'
  | 'rename'
  | 'unlink'
  | 'link'
  | 'rm'
  | 'readlink'
  | 'symlink'
  | 'chmod'
  | 'utimes'
  | 'appendFile'
  | 'rmdir'
  | 'lutimes'
>;

export type FileHandle = fsp.FileHandle;

/**
 * Optional synchronous listing, offered by filesystems whose calls are
 * synchronous anyway (syncFs): walking 10,000 files without a promise per
 * entry is several times cheaper. Code must work without it.
 */
export interface SyncListing {
  readonly listSync: {
    readdir(path: string): string[];
    lstat(path: string): import('node:fs').Stats | undefined;
  };
}

export function syncListing(fs: FsPromises): SyncListing['listSync'] | undefined {
  return (fs as Partial<SyncListing>).listSync;
}

export function isNotFound(err: unknown): boolean {
  const c = (err as NodeJS.ErrnoException)?.code;
  return c === 'ENOENT' || c === 'ENOTDIR';
}

export async function exists(fs: FsPromises, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i > 0) return p.slice(0, i);
  return i === 0 ? '/' : '.';
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .join('/')
    .replace(/\/+/g, '/');
}

/** fsync a folder so a rename in it is durable. Filesystems that cannot open folders are tolerated. */
export async function fsyncDir(fs: FsPromises, dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const c = (e as NodeJS.ErrnoException)?.code;
    if (c !== 'EISDIR' && c !== 'EINVAL' && c !== 'EPERM' && c !== 'EBADF' && c !== 'ENOSYS' && c !== 'EACCES')
      throw fsError(e, 'fsync', dir);
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** 48 random bits per process, and a counter: unique names without asking for random bytes per file (~10 µs a call) */
let tempPrefix: string | undefined;
let tempCounter = 0;

export function tempName(path: string): string {
  tempPrefix ??= nodeCrypto().randomBytes(6).toString('hex');
  return `${path}.tmp-${tempPrefix}${(tempCounter++).toString(36)}`;
}

/**
 * Write a file so that readers see either the old or the new content, never a
 * mix: temp file, write, fsync, rename over, fsync the folder. On failure the
 * temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  fs: FsPromises,
  path: string,
  data: Uint8Array | string | Iterable<Uint8Array>,
  opts: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const tmp = tempName(path);
  // pieces are written one after the other (a big file made in pieces is never copied whole); a generator is
  // asked for its next piece only once the one before is written, so it may reuse that piece's memory
  let pieces: Iterable<Uint8Array>;
  if (typeof data === 'string') pieces = [Buffer.from(data, 'utf8')];
  else if (data instanceof Uint8Array) pieces = [data];
  else pieces = data;
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(tmp, 'wx', opts.mode ?? 0o644);
    for (const piece of pieces) await writeAll(fh, piece);
    if (opts.durable !== false) await fh.sync();
    await fh.close();
    fh = undefined;
    await fs.rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => {});
    await fs.unlink(tmp).catch(() => {});
    throw fsError(e, 'write', path);
  }
  if (opts.durable !== false) await fsyncDir(fs, dirname(path));
}

/**
 * Write all of `buf` (short writes are retried): at `position` in the file, or, without one, at the file's
 * current position (sequential writes). The one write loop of Vault: the pack writer, atomic files, restore
 * and fetch all write through it.
 */
export async function writeAll(fh: FileHandle, buf: Uint8Array, position?: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(
      buf,
      off,
      buf.length - off,
      position === undefined ? undefined : position + off,
    );
    off += bytesWritten;
  }
}

/** Read exactly `length` bytes at `position` (short reads are retried; EOF is an error). */
export async function readFully(
  fh: FileHandle,
  buf: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
