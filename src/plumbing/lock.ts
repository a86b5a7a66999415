import { nodeCrypto } from '../builtins.js';
import { hostname } from 'node:os';
import { LockedError, fsError } from '../errors.js';
import { dirname, isNotFound, joinPath, type FileHandle, type FsPromises } from './fs.js';

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
  /** wall-clock time to compare with the lock file's mtime (its age); Date.now by default */
  now?: () => number;
}

/**
 * An empty or unparseable lock file is one whose writer died (or ran out of
 * disk) between creating and filling it, or one being filled right now: it is
 * stale once it is this old.
 */
export const TORN_LOCK_AGE_MS = 10_000;

/** What a look at the lock file found: its holder (null when empty or unparseable) and its stat data. */
interface Seen {
  readonly holder: LockInfo | null;
  readonly st: { ino: number; size: number; mtimeMs: number } | null;
}

/**
 * Take the vault's exclusive lock (`.vault/lock`, see createLock). A lock
 * left by a dead process on this host is detected by pid, an empty or
 * unparseable one by its age (TORN_LOCK_AGE_MS); either is taken over
 * atomically (takeOver). A lock that could not be written completely is
 * removed before the error is thrown. Returns the release function.
 */
export async function acquireLock(opts: LockOptions): Promise<() => Promise<void>> {
  const { fs, path } = opts;
  const clock = opts.clock ?? Date.now;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = clock() + (opts.wait ?? 0) * 1000;
  const me: LockInfo = { pid: process.pid, host: hostname(), time: clock(), command: opts.command };
  for (;;) {
    if (await createLock(fs, path, me)) {
      await sweepLeftovers(fs, path, now());
      return async () => {
        await fs.unlink(path).catch(() => {});
      };
    }
    const seen = await readLock(fs, path);
    if (!seen) continue; // released meanwhile
    if (isStale(seen, me.host, now())) {
      if (await takeOver(fs, path, seen)) {
        const since = seen.holder ? seen.holder.time : seen.st!.mtimeMs;
        await clearRefLocks(fs, joinPath(dirname(path), 'refs'), since - 2000);
      }
      continue;
    }
    if (clock() >= deadline) {
      const h = seen.holder;
      throw new LockedError(
        path,
        h
          ? `'vault ${h.command}' (pid ${h.pid} on ${h.host}, since ${new Date(h.time).toISOString()})`
          : `another process (the lock file is empty or unreadable; it counts ` +
              `as stale once it is ${TORN_LOCK_AGE_MS / 1000} seconds old)`,
      );
    }
    await sleep(100);
  }
}

/** Errors of link(2) that mean "no hard links here" (FAT, some network filesystems): create in place instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Create the lock file with `me` in it; false when it exists. The lock is
 * written whole into a temp file, synced, and then hard-linked to its name,
 * which fails when the name exists: a process killed at any moment leaves
 * either no lock or a complete one (a kill between create and write left a
 * 0-byte lock that kept everyone out for TORN_LOCK_AGE_MS). Without hard
 * links it is created in place with O_EXCL.
 */
async function createLock(fs: FsPromises, path: string, me: LockInfo): Promise<boolean> {
  const link = (fs as Partial<Pick<FsPromises, 'link'>>).link; // a wrapper may leave it out
  if (typeof link !== 'function') return createInPlace(fs, path, me);
  const tmp = `${path}.new-${nodeCrypto().randomBytes(6).toString('hex')}`;
  await createInPlace(fs, tmp, me, path);
  try {
    await link.call(fs, tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (NO_LINKS.has(code)) return createInPlace(fs, path, me);
    throw fsError(e, 'lock', path);
  } finally {
    await fs.unlink(tmp).catch(() => {});
  }
}

/**
 * Create `file` with O_EXCL and write `me` into it; false when it exists.
 * Never leaves a partly written file: on failure it is removed and the error
 * (naming `name`, the lock) is thrown.
 */
async function createInPlace(fs: FsPromises, file: string, me: LockInfo, name = file): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(e, 'lock', name);
  }
  try {
    const buf = Buffer.from(JSON.stringify(me), 'utf8');
    for (let off = 0; off < buf.length;) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off);
      if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
      off += bytesWritten;
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    // an empty or torn lock would keep everyone out: remove it
    await fs.unlink(file).catch(() => {});
    throw fsError(e, 'lock', name);
  }
  await fh.close().catch(() => {});
  return true;
}

/**
 * The temp files of a lock (`lock.new-*`, `lock.stale-*`) that a killed
 * process left behind, removed by the next holder once they are old. Best effort.
 */
async function sweepLeftovers(fs: FsPromises, path: string, now: number): Promise<void> {
  const dir = dirname(path);
  const base = path.slice(dir.length + 1);
  let names: string[];
  try {
    names = (await fs.readdir(dir)) as string[];
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.new-`) && !n.startsWith(`${base}.stale-`)) continue;
    const p = joinPath(dir, n);
    const st = await fs.lstat(p).catch(() => null);
    if (st && now - Number(st.mtimeMs) >= TORN_LOCK_AGE_MS) await fs.unlink(p).catch(() => {});
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (typeof v?.pid !== 'number' || typeof v.host !== 'string' || typeof v.time !== 'number') return null;
    return { pid: v.pid, host: v.host, time: v.time, command: String(v.command ?? '?') };
  } catch {
    return null;
  }
}

/** The lock file as it is now; null when it is gone. */
async function readLock(fs: FsPromises, path: string): Promise<Seen | null> {
  try {
    const st = await fs.lstat(path);
    const text = (await fs.readFile(path, 'utf8')) as string;
    return { holder: parseLock(text), st: { ino: Number(st.ino), size: Number(st.size), mtimeMs: Number(st.mtimeMs) } };
  } catch (e) {
    if (isNotFound(e)) return null;
    // unreadable: treated as held (the error names the file)
    return { holder: null, st: null };
  }
}

function isStale(seen: Seen, host: string, now: number): boolean {
  if (seen.holder) return seen.holder.host === host && !alive(seen.holder.pid);
  return seen.st !== null && now - seen.st.mtimeMs >= TORN_LOCK_AGE_MS;
}

/**
 * Remove a stale lock without ever removing a live one: rename it aside (only
 * one process can), then check that what was moved is the file judged stale
 * (same inode, size and mtime). If another process replaced the lock meanwhile,
 * its lock is renamed back. True when the stale lock was removed here.
 */
async function takeOver(fs: FsPromises, path: string, seen: Seen): Promise<boolean> {
  const aside = `${path}.stale-${nodeCrypto().randomBytes(6).toString('hex')}`;
  try {
    await fs.rename(path, aside);
  } catch (e) {
    if (isNotFound(e)) return false; // another process took it over first
    throw fsError(e, 'lock', path);
  }
  const st = await fs.lstat(aside).catch(() => null);
  const same =
    st !== null &&
    seen.st !== null &&
    Number(st.ino) === seen.st.ino &&
    Number(st.size) === seen.st.size &&
    Number(st.mtimeMs) === seen.st.mtimeMs;
  if (same) {
    await fs.unlink(aside).catch(() => {});
    return true;
  }
  await fs.rename(aside, path).catch(() => {});
  return false;
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
