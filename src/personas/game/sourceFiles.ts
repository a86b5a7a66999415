import { posix } from 'node:path';
import { UsageError, fsError } from '../../errors.js';
import { isDotGit } from '../../objects/gitNames.js';
import type { Vault } from '../../porcelain/openVault.js';
import { checkRecordPath, type RecordFileSource } from './records.js';

export interface SourceFile extends RecordFileSource {
  readonly size: number;
}

/**
 * The files named by `paths` (files, or folders walked recursively; symlinks
 * and `.vault` folders are skipped, `.git` ones reported and skipped), with the path each gets inside a record:
 * its project-relative path when `keepProjectPaths` and it is inside the
 * project, otherwise its name (a folder keeps its name and inner layout).
 */
export async function filesFromPaths(
  vault: Vault,
  paths: readonly string[],
  opts: { keepProjectPaths: boolean; onSkip?: (path: string, why: string) => void },
): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const seen = new Map<string, string>();
  const root = posix.normalize(vault.workTree);
  const add = (rel: string, abs: string, size: number) => {
    checkRecordPath(rel);
    const prev = seen.get(rel);
    if (prev && prev !== abs)
      throw new UsageError(
        `two files would be stored as '${rel}': ${prev} and ${abs}`,
        'name them from inside the project, or rename one',
      );
    if (prev) return;
    seen.set(rel, abs);
    out.push({ path: rel, abs, size });
  };
  for (const p of paths) {
    const abs = posix.isAbsolute(p) ? posix.normalize(p) : posix.join(root, p);
    const inside = abs.startsWith(`${root}/`);
    const base = opts.keepProjectPaths && inside ? abs.slice(root.length + 1) : posix.basename(abs);
    const st = await vault.fs.lstat(abs).catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UsageError(`${p}: no such file or folder`, 'name existing files or folders');
      throw fsError(e, 'stat', abs);
    });
    if (st.isFile()) {
      add(base, abs, Number(st.size));
      continue;
    }
    if (!st.isDirectory()) throw new UsageError(`${p} is not a file or folder (symlinks are not followed)`);
    const walk = async (dir: string, rel: string): Promise<void> => {
      const names = ((await vault.fs.readdir(dir)) as string[]).sort();
      for (const n of names) {
        if (n.toLowerCase() === '.vault') continue;
        const childAbs = posix.join(dir, n);
        if (isDotGit(n)) {
          opts.onSkip?.(childAbs, "git's own folder is not stored");
          continue;
        }
        const childRel = rel ? `${rel}/${n}` : n;
        const cst = await vault.fs.lstat(childAbs);
        if (cst.isDirectory()) await walk(childAbs, childRel);
        else if (cst.isFile()) add(childRel, childAbs, Number(cst.size));
        else opts.onSkip?.(childAbs, 'not a regular file (symlinks are not followed)');
      }
    };
    await walk(abs, base === '' ? '' : base);
  }
  return out;
}
