/**
 * memfs as a Vault `FsPromises`, plus an fs wrapper that watches calls.
 *
 * memfs checks a new file's own permission bits when it is opened for writing
 * (as if the caller were not its creator), so `open(p, 'wx', 0o444)` fails with
 * EACCES there while POSIX (and node's fs) lets the creator write. Vault creates
 * packs and loose objects read-only this way, so memFs() adds the POSIX rule:
 * a file created with a read-only mode is created writable and then chmod'ed.
 * It also gives symlinks their POSIX lstat size (the target's length; memfs says 0)
 * and POSIX rename (memfs 4.80 follows a symlink being renamed, or renamed over).
 */
import { Volume } from 'memfs';
import type { FileHandle, FsPromises } from '../../src/plumbing/fs.js';

export type MemVolume = InstanceType<typeof Volume>;

type AnyFn = (...args: unknown[]) => Promise<unknown>;
/** the memfs promises the POSIX fixes below call */
type Used = 'lstat' | 'readlink' | 'rename' | 'unlink' | 'symlink' | 'open' | 'chmod';

export function memFs(json: Record<string, string | null> = {}): { vol: MemVolume; fs: FsPromises } {
  const vol = Volume.fromJSON(json);
  const p = vol.promises as unknown as Record<Used, AnyFn>;
  const base = bindAll(vol.promises as unknown as Record<string, unknown>);
  const fs = {
    ...base,
    // POSIX: a symlink's lstat size is the length of its target (memfs says 0)
    lstat: async (path: string, opts?: unknown) => {
      const st = (await p.lstat(path, opts)) as { isSymbolicLink(): boolean; size: number };
      if (st.isSymbolicLink()) st.size = Buffer.byteLength(String(await p.readlink(path)), 'utf8');
      return st;
    },
    // POSIX: rename moves a symlink itself, and replaces a symlink at the destination (memfs follows both)
    rename: async (from: string, to: string) => {
      const src = (await p.lstat(from)) as { isSymbolicLink(): boolean };
      const dst = (await p.lstat(to).catch(() => null)) as { isSymbolicLink(): boolean; isDirectory(): boolean } | null;
      if (!src.isSymbolicLink() && !dst?.isSymbolicLink()) return p.rename(from, to);
      if (dst && !dst.isDirectory()) await p.unlink(to);
      if (!src.isSymbolicLink()) return p.rename(from, to);
      await p.symlink(String(await p.readlink(from)), to);
      await p.unlink(from);
    },
    open: async (path: string, flags?: string | number, mode?: number) => {
      const creates = typeof flags === 'string' && /[wa]/.test(flags);
      if (creates && typeof mode === 'number' && !(mode & 0o200)) {
        const fh = await p.open(path, flags, mode | 0o200);
        await p.chmod(path, mode);
        return fh;
      }
      return p.open(path, flags, mode);
    },
  } as unknown as FsPromises;
  return { vol, fs };
}

function bindAll(p: Record<string, unknown>): Record<string, AnyFn> {
  const out: Record<string, AnyFn> = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'function') out[k] = v.bind(p) as AnyFn;
  return out;
}

export interface Call {
  readonly op: string;
  readonly path: string;
}

/**
 * Wrap an fs so every call of the listed operations is recorded (op and first
 * argument) before it is passed on. The result works with memfs and node's fs.
 */
export function watchFs(fs: FsPromises, ops: readonly (keyof FsPromises)[]): { fs: FsPromises; calls: Call[] } {
  const calls: Call[] = [];
  const src = fs as unknown as Record<string, AnyFn>;
  const wrapped: Record<string, AnyFn> = {};
  for (const [k, f] of Object.entries(src)) wrapped[k] = f;
  for (const op of ops) {
    const f = src[op as string];
    if (!f) throw new Error(`watchFs: the fs has no ${op}`);
    wrapped[op as string] = (...args: unknown[]) => {
      calls.push({ op: op as string, path: String(args[0]) });
      return f(...args);
    };
  }
  return { fs: wrapped as unknown as FsPromises, calls };
}

/**
 * An fs whose `open` hands each file handle to `change` first (to count closes, slow writes down, fail reads...):
 * `change` may replace the handle's methods, or return another handle. Works with memfs and node's fs.
 */
export function onOpen(
  fs: FsPromises,
  change: (fh: FileHandle, path: string, flags: string) => FileHandle | void,
): FsPromises {
  const wrapped = Object.create(fs) as FsPromises;
  wrapped.open = (async (...args: Parameters<FsPromises['open']>) => {
    const fh = await fs.open(...args);
    return change(fh, String(args[0]), String(args[1] ?? 'r')) ?? fh;
  }) as FsPromises['open'];
  return wrapped;
}

/** Replace method `name` of a file handle by `f`, which gets the original (bound) to call. */
export function around<K extends keyof FileHandle>(
  fh: FileHandle,
  name: K,
  f: (original: (...a: unknown[]) => Promise<unknown>, ...a: unknown[]) => Promise<unknown>,
): void {
  const original = (fh[name] as (...a: unknown[]) => Promise<unknown>).bind(fh);
  (fh as unknown as Record<string, unknown>)[name as string] = (...a: unknown[]) => f(original, ...a);
}
