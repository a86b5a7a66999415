/**
 * What a restore needs to know about its target folder before it writes: that
 * it is not the vault store (nor holds it where the snapshot would write), and
 * whether it tells names apart that differ only in case or Unicode normalisation.
 */
import { nodeCrypto } from '../builtins.js';
import { posix } from 'node:path';
import type { Stats } from 'node:fs';
import { TargetInVaultError, fsError } from '../errors.js';
import { isNotFound, type FsPromises } from '../plumbing/fs.js';
import { FULL_FOLDING, type NameFolding } from './restorePlan.js';

/**
 * `abs` with every symlink resolved (through lstat and readlink, so any
 * FsPromises works); the part that does not exist yet is kept as written, with
 * `..` applied. A symlink loop is left unresolved where it starts.
 */
export async function realPath(fs: FsPromises, abs: string): Promise<string> {
  let todo = posix.resolve(abs).split('/').filter(Boolean);
  let done = '';
  let hops = 0;
  let missing = false;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done = done.slice(0, Math.max(0, done.lastIndexOf('/')));
      continue;
    }
    const next = `${done}/${part}`;
    const st = missing ? null : await lstatOrNull(fs, next);
    if (!st) missing = true;
    if (st?.isSymbolicLink() && hops++ < 40) {
      const link = String(await fs.readlink(next));
      todo = [...link.split('/').filter(Boolean), ...todo];
      if (link.startsWith('/')) done = '';
      continue;
    }
    done = next;
  }
  return done || '/';
}

async function lstatOrNull(fs: FsPromises, p: string): Promise<Stats | null> {
  return (fs.lstat(p) as Promise<Stats>).catch((e) => {
    if (isNotFound(e)) return null;
    throw fsError(e, 'stat', p);
  });
}

async function statOrNull(fs: FsPromises, p: string): Promise<Stats | null> {
  return (fs.stat(p) as Promise<Stats>).catch(() => null);
}

/**
 * The path of `inner` relative to `outer` when it is `outer` ('') or lies inside
 * it, else null. Folders are compared by device and inode, so another spelling of
 * a name on a case-insensitive disk, or a symlinked path, is still recognised.
 */
async function relativeInside(fs: FsPromises, outer: string, inner: string): Promise<string | null> {
  const o = await statOrNull(fs, outer);
  if (!o) return null;
  const parts: string[] = [];
  for (let p = inner; ; p = posix.dirname(p)) {
    const s = await statOrNull(fs, p);
    if (s && s.dev === o.dev && s.ino === o.ino) return parts.reverse().join('/');
    if (p === '/' || p === '.') return null;
    parts.push(posix.basename(p));
  }
}

/**
 * Refuse a target inside the vault store (ETARGETINVAULT), and say where the
 * store lies inside the target when it does (its target-relative path, for the
 * plan to keep every entry out of it), else null.
 */
export async function storeInTarget(fs: FsPromises, target: string, vaultDir: string): Promise<string | null> {
  const realTarget = await realPath(fs, target);
  const realStore = await realPath(fs, vaultDir);
  if ((await relativeInside(fs, realStore, realTarget)) !== null) throw new TargetInVaultError(target, vaultDir);
  return relativeInside(fs, realTarget, realStore);
}

/**
 * How the folder `dir` compares names, found the way git does it: create a probe
 * file and look it up by another spelling (upper case; NFD). When the probe
 * cannot be made, the folder is taken to fold both (colliding names are refused).
 */
export async function probeNameFolding(fs: FsPromises, dir: string): Promise<NameFolding> {
  const name = `.vault-probe-${nodeCrypto().randomBytes(4).toString('hex')}-\u00e9`;
  const probe = posix.join(dir, name);
  try {
    const fh = await fs.open(probe, 'wx', 0o600);
    await fh.close();
  } catch {
    return FULL_FOLDING;
  }
  try {
    const found = async (other: string) => (await lstatOrNull(fs, posix.join(dir, other))) !== null;
    return { case: await found(name.toUpperCase()), unicode: await found(name.normalize('NFD')) };
  } finally {
    await fs.unlink(probe).catch(() => {});
  }
}
