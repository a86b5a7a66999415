import type * as fs from 'node:fs';
import { builtinFs } from '../builtins.js';
import type { FileHandle, FsPromises, SyncListing } from './fs.js';

/**
 * node's fs through its synchronous calls, behind the promise interface the
 * rest of Vault takes. Every fs.promises call is a hop to libuv's thread pool
 * and back (a futex wake and a context switch each, which on this kind of VM
 * costs more than the read itself). In worker threads, and for the many small
 * stat/open/read calls of a commit, doing the call right here is several times
 * cheaper. Errors are thrown as rejected promises, as fs.promises does.
 */
function wrap<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => Promise<R> {
  return (...a: A) => {
    try {
      return Promise.resolve(f(...a));
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

class SyncFileHandle {
  constructor(readonly fd: number) {}
  read(buffer: Uint8Array, offset: number, length: number, position: number | null) {
    return wrap(() => ({ bytesRead: builtinFs.readSync(this.fd, buffer, offset, length, position), buffer }))();
  }
  write(data: Uint8Array | string, offset?: number, length?: number, position?: number | null) {
    return wrap(() => {
      if (typeof data === 'string') return { bytesWritten: builtinFs.writeSync(this.fd, data), buffer: data };
      return {
        bytesWritten: builtinFs.writeSync(
          this.fd,
          data,
          offset ?? 0,
          length ?? data.length - (offset ?? 0),
          position ?? null,
        ),
        buffer: data,
      };
    })();
  }
  stat() {
    return wrap(() => builtinFs.fstatSync(this.fd))();
  }
  truncate(len?: number) {
    return wrap(() => builtinFs.ftruncateSync(this.fd, len))();
  }
  /** fsync is the one call left asynchronous: the thread goes on working while the disk catches up */
  sync() {
    return new Promise<void>((resolve, reject) => builtinFs.fsync(this.fd, (e) => (e ? reject(e) : resolve())));
  }
  close() {
    return wrap(() => builtinFs.closeSync(this.fd))();
  }
}

export const syncFs: FsPromises & SyncListing = {
  listSync: {
    readdir: (path: string) => builtinFs.readdirSync(path),
    lstat: (path: string) => builtinFs.lstatSync(path, { throwIfNoEntry: false }),
  },
  open: wrap(
    (path: fs.PathLike, flags?: string | number, mode?: fs.Mode) =>
      new SyncFileHandle(builtinFs.openSync(path, flags ?? 'r', mode)) as unknown as FileHandle,
  ),
  readFile: wrap((path: fs.PathLike, opts?: unknown) => builtinFs.readFileSync(path, opts as never)),
  writeFile: wrap((path: fs.PathLike, data: unknown, opts?: unknown) =>
    builtinFs.writeFileSync(path, data as never, opts as never),
  ),
  stat: wrap((path: fs.PathLike, opts?: unknown) => builtinFs.statSync(path, opts as never)),
  lstat: wrap((path: fs.PathLike, opts?: unknown) => builtinFs.lstatSync(path, opts as never)),
  readdir: wrap((path: fs.PathLike, opts?: unknown) => builtinFs.readdirSync(path, opts as never)),
  mkdir: wrap((path: fs.PathLike, opts?: unknown) => builtinFs.mkdirSync(path, opts as never)),
  rename: wrap((a: fs.PathLike, b: fs.PathLike) => builtinFs.renameSync(a, b)),
  unlink: wrap((p: fs.PathLike) => builtinFs.unlinkSync(p)),
  link: wrap((a: fs.PathLike, b: fs.PathLike) => builtinFs.linkSync(a, b)),
  rm: wrap((p: fs.PathLike, opts?: fs.RmOptions) => builtinFs.rmSync(p, opts)),
  readlink: wrap((p: fs.PathLike, opts?: unknown) => builtinFs.readlinkSync(p, opts as never)),
  symlink: wrap((t: fs.PathLike, p: fs.PathLike, type?: fs.symlink.Type) => builtinFs.symlinkSync(t, p, type)),
  chmod: wrap((p: fs.PathLike, m: fs.Mode) => builtinFs.chmodSync(p, m)),
  utimes: wrap((p: fs.PathLike, a: fs.TimeLike, m: fs.TimeLike) => builtinFs.utimesSync(p, a, m)),
  lutimes: wrap((p: fs.PathLike, a: fs.TimeLike, m: fs.TimeLike) => builtinFs.lutimesSync(p, a, m)),
  appendFile: wrap((p: fs.PathLike, d: string | Uint8Array, opts?: unknown) =>
    builtinFs.appendFileSync(p, d, opts as never),
  ),
  rmdir: wrap((p: fs.PathLike) => builtinFs.rmdirSync(p)),
} as unknown as FsPromises & SyncListing;
