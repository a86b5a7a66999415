/** The separate files an element's file uses (a .gltf's .bin and images): where they are, and writing them. */
import { UnsafePathError, VaultError, fsError } from '../../../errors.js';
import { isNotFound, joinPath, writeFileAtomic } from '../../../plumbing/fs.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { normalizeJoin } from '../references/resolveReference.js';

/**
 * `relative` (as the file writes it) from the folder of project file `rel`; null for URLs, absolute paths and paths
 * leaving the project.
 */
export function relatedPath(rel: string, relative: string): string | null {
  const r = relative.replace(/\\/g, '/');
  if (r.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(r)) return null;
  return normalizeJoin(rel.split('/').slice(0, -1).join('/'), r) || null;
}

/** Each file atomically, into existing real folders of the project only (never through a symlink). */
export async function writeRelated(
  vault: Vault,
  rel: string,
  files: ReadonlyMap<string, Uint8Array> | undefined,
): Promise<void> {
  for (const [relative, bytes] of files ?? []) {
    const p = relatedPath(rel, relative);
    if (p === null) throw new UnsafePathError(relative, `is outside the project (named by ${rel})`);
    let abs = vault.workTree;
    const parts = p.split('/');
    for (let i = 0; i < parts.length; i++) {
      abs = joinPath(abs, parts[i]!);
      let st;
      try {
        st = await vault.fs.lstat(abs);
      } catch (e) {
        if (!isNotFound(e)) throw fsError(e, 'stat', abs);
        if (i < parts.length - 1)
          throw new VaultError('ENOPATH', `folder ${parts.slice(0, i + 1).join('/')} is missing`, { path: p });
        break;
      }
      if (st.isSymbolicLink()) throw new UnsafePathError(parts.slice(0, i + 1).join('/'), 'is a symlink');
    }
    await writeFileAtomic(vault.fs, abs, bytes);
  }
}
