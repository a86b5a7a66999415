import { fsError } from '../errors.js';
import { isNotFound, joinPath, type FsPromises } from './fs.js';

/** Where a folder on the way to a target cannot be used, and why. */
export interface FolderProblem {
  /** the absolute path of the component in the way */
  readonly path: string;
  readonly why: string;
}

type Lstat = Awaited<ReturnType<FsPromises['lstat']>>;

async function lstatOrNull(fs: FsPromises, p: string): Promise<Lstat | null> {
  try {
    return await fs.lstat(p);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'stat', p);
  }
}

function problemOf(st: Lstat, path: string): FolderProblem | null {
  if (st.isSymbolicLink()) return { path, why: 'is a symlink; not writing through it' };
  if (!st.isDirectory()) return { path, why: 'is not a folder' };
  return null;
}

/**
 * Check that every folder from `root` (exclusive) down to `root/rel` is a real
 * folder: each component is lstat'ed, never followed. With `create`, missing
 * ones are made one at a time (not `mkdir -p`, which follows symlinks) and
 * looked at again after, so one that raced in is caught too. Without, the
 * first missing one ends the check (what is below it would be created).
 * Returns null when a file can be written at `root/rel/NAME`, else the problem.
 * The root itself is the caller's (it was named by the user).
 */
export async function realFolders(
  fs: FsPromises,
  root: string,
  rel: string,
  opts: { create: boolean; mode?: number },
): Promise<FolderProblem | null> {
  let abs = root;
  for (const part of rel ? rel.split('/') : []) {
    abs = joinPath(abs, part);
    let st = await lstatOrNull(fs, abs);
    if (!st) {
      if (!opts.create) return null;
      await fs.mkdir(abs, { mode: opts.mode ?? 0o755 }).catch((e: NodeJS.ErrnoException) => {
        if (e?.code !== 'EEXIST') throw fsError(e, 'mkdir', abs);
      });
      st = await lstatOrNull(fs, abs);
      if (!st) return { path: abs, why: 'vanished right after it was made' };
    }
    const bad = problemOf(st, abs);
    if (bad) return bad;
  }
  return null;
}
