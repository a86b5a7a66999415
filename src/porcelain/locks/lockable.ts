import ignore from 'ignore';
import { fsError } from '../../errors.js';
import { isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../../plumbing/fs.js';

/**
 * `.vaultlockable` at the project root: which files are worked on one person at a time (layered paintings,
 * 3D scenes, engine scenes and prefabs: files nobody can merge). Gitignore syntax, read with the `ignore`
 * package like `.vaultignore`. Such a file is read-only on disk until you lock it, and status, commit and
 * push speak up when it changed without a lock.
 */
export const LOCKABLE_FILE = '.vaultlockable';

export interface LockableRules {
  /** whether any pattern is set (without one, nothing is lockable and nothing else is looked at) */
  readonly any: boolean;
  /** rel: project-relative posix path of a file */
  lockable(rel: string): boolean;
}

export async function loadLockable(fs: FsPromises, workTree: string): Promise<LockableRules> {
  let text: string;
  try {
    text = String(await fs.readFile(joinPath(workTree, LOCKABLE_FILE), 'utf8'));
  } catch (e) {
    if (isNotFound(e)) return { any: false, lockable: () => false };
    throw fsError(e, 'read', joinPath(workTree, LOCKABLE_FILE));
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  const ig = ignore().add(lines);
  return {
    any: lines.length > 0,
    lockable: (rel) => {
      try {
        return ig.ignores(rel);
      } catch {
        return false; // a path `ignore` refuses (absolute, ..): not a project file
      }
    },
  };
}

export interface LockableSetup {
  /** patterns added (none when the file had them all) */
  readonly added: readonly string[];
  /** the file did not exist before */
  readonly created: boolean;
}

/** Add the patterns `.vaultlockable` lacks (atomically); lines already there, and the user's own, stay. */
export async function addLockablePatterns(
  fs: FsPromises,
  workTree: string,
  patterns: readonly string[],
  heading: string,
): Promise<LockableSetup> {
  const path = joinPath(workTree, LOCKABLE_FILE);
  let text = '';
  let created = false;
  try {
    text = String(await fs.readFile(path, 'utf8'));
  } catch (e) {
    if (!isNotFound(e)) throw fsError(e, 'read', path);
    created = true;
  }
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const added = patterns.filter((p) => !have.has(p));
  if (added.length) {
    const sep = text && !text.endsWith('\n') ? '\n' : '';
    const head = created ? `# ${heading}\n` : '';
    await writeFileAtomic(fs, path, `${text}${sep}${head}${added.join('\n')}\n`);
  }
  return { added, created };
}
