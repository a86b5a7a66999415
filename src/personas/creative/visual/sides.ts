import { fsError } from '../../../errors.js';
import { normalizeRel } from '../../../porcelain/restore.js';
import { isNotFound, joinPath } from '../../../plumbing/fs.js';
import { lookupPath } from '../../../plumbing/trees.js';
import type { ObjectId } from '../../../objects/types.js';
import type { DiffSide } from '../../../porcelain/diff.js';
import { readStoredFile } from '../../../porcelain/diff.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { TooLargeError } from '../formats/errors.js';

/** Files larger than this are not read into memory for a visual diff (512 MiB). */
export const MAX_VISUAL_BYTES = 512 * 1024 * 1024;

/** One side of a comparison, resolved once: a snapshot's root tree, or the working folder. */
export interface ResolvedSide {
  readonly label: string;
  /** snapshot id, or 'worktree' */
  readonly id: ObjectId | 'worktree';
  readonly tree?: ObjectId;
}

export async function resolveSide(vault: Vault, side: DiffSide): Promise<ResolvedSide> {
  if (side.kind === 'worktree') return { label: 'working folder', id: 'worktree' };
  const snap = await readSnapshot(vault, side.rev);
  return { label: side.rev, id: snap.id, tree: snap.tree };
}

/** A project-relative posix path, '..' resolved; refuses paths that leave the project (restore's rule). */
export const projectPath = normalizeRel;

/** The bytes of `path` on a side, or null when that side has no such file. Refuses files above MAX_VISUAL_BYTES. */
export async function readSideFile(
  vault: Vault,
  side: ResolvedSide,
  path: string,
  max = MAX_VISUAL_BYTES,
): Promise<Uint8Array | null> {
  const rel = projectPath(path);
  if (!rel || rel === '.vault' || rel.startsWith('.vault/')) return null;
  if (side.id === 'worktree') {
    const abs = joinPath(vault.workTree, rel);
    try {
      const st = await vault.fs.stat(abs);
      if (!st.isFile()) return null;
      if (st.size > max) throw new TooLargeError(rel, `${st.size} bytes`, `${max} bytes`);
      return new Uint8Array(await vault.fs.readFile(abs));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw fsError(e, 'read', abs);
    }
  }
  const e = await lookupPath(vault.db, side.tree!, rel);
  if (!e || (e.kind !== 'file' && e.kind !== 'exec')) return null;
  if (e.size > max) throw new TooLargeError(rel, `${e.size} bytes`, `${max} bytes`);
  return new Uint8Array(await readStoredFile(vault, e.obj, e.id));
}

/**
 * readRelated for a model at `modelPath` on a side: files it references, relative to its folder,
 * from the same side; null when missing or when the reference leaves the project.
 */
export function relatedReader(
  vault: Vault,
  side: ResolvedSide,
  modelPath: string,
): (relative: string) => Promise<Uint8Array | null> {
  const dir = projectPath(modelPath).split('/').slice(0, -1).join('/');
  return async (relative: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith('/')) return null;
    let p: string;
    try {
      p = projectPath(dir ? `${dir}/${relative}` : relative);
    } catch {
      return null;
    }
    return readSideFile(vault, side, p);
  };
}
