import { hostname } from 'node:os';
import { LockedError, fsError } from '../errors.js';
import { dirname, isNotFound, joinPath, type FsPromises } from './fs.js';

export interface LockInfo {
  pid: number;
  host: string;
  time: number;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  fs: FsPromises;
  path: string;
  command: string;
  /** seconds to wait for another holder; 0 fails at once */
  wait?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Take the vault's exclusive lock (`.vault/lock`, created with O_EXCL). A lock
 * left by a dead process on this host is detected by pid and removed. Returns
 * the release function.
 */
export async function acquireLock(opts: LockOptions): Promise<() => Promise<void>> {
  const { fs, path } = opts;
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = clock() + (opts.wait ?? 0) * 1000;
  const me: LockInfo = { pid: process.pid, host: hostname(), time: clock(), command: opts.command };
  for (;;) {
    try {
      const fh = await fs.open(path, 'wx', 0o644);
      try {
        await fh.write(JSON.stringify(me));
        await fh.sync();
      } finally {
        await fh.close();
      }
      return async () => {
        await fs.unlink(path).catch(() => {});
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(e, 'lock', path);
    }
    let holder: LockInfo | null = null;
    try {
      holder = JSON.parse((await fs.readFile(path, 'utf8')) as string);
    } catch (e) {
      if (isNotFound(e)) continue; // released meanwhile
      // unreadable or torn lock file: treat as held until it is old
    }
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      // stale: its process is gone. Remove it only if it is still the same file.
      const again = await fs.readFile(path, 'utf8').catch(() => null);
      if (again !== null && JSON.parse(again as string).pid === holder.pid) {
        await fs.unlink(path).catch(() => {});
        await clearRefLocks(fs, joinPath(dirname(path), 'refs'), holder.time - 2000);
      }
      continue;
    }
    if (clock() >= deadline) {
      throw new LockedError(
        path,
        holder
          ? `'vault ${holder.command}' (pid ${holder.pid} on ${holder.host}, since ${new Date(holder.time).toISOString()})`
          : 'another process',
      );
    }
    await sleep(100);
  }
}

/**
 * A process killed while moving a ref (commit, forget: they hold the vault
 * lock) leaves `<ref>.lock` behind, and every later update of that ref would
 * fail. When its vault lock is found stale, the ref locks created while it
 * held the vault lock (mtime since it took it) are its own: remove them.
 * Best effort: anything unreadable is left for the user (the error names it).
 */
async function clearRefLocks(fs: FsPromises, dir: string, since: number): Promise<void> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)) as string[];
  } catch {
    return;
  }
  for (const n of names) {
    const p = joinPath(dir, n);
    const st = await fs.lstat(p).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) await clearRefLocks(fs, p, since);
    else if (n.endsWith('.lock') && st.mtimeMs >= since) await fs.unlink(p).catch(() => {});
  }
}
