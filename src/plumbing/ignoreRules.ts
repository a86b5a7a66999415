import ignore, { type Ignore } from 'ignore';
import { isNotFound, joinPath, type FsPromises } from './fs.js';

/**
 * `.vaultignore` at the project root, with gitignore semantics (the `ignore`
 * package implements git's matching rules exactly, including negation and
 * directory-only patterns; no reason to write our own). The project's own
 * `.vault` is always ignored; a `.vault` deeper down (another vault's store)
 * is left out by the scan, which names it.
 */
export interface IgnoreRules {
  /** rel: posix path relative to the project root; dir: whether it is a folder */
  ignored(rel: string, dir: boolean): boolean;
}

export async function loadIgnoreRules(fs: FsPromises, workTree: string, extra: string[] = []): Promise<IgnoreRules> {
  const ig: Ignore = ignore();
  ig.add(['/.vault', ...extra]);
  try {
    ig.add((await fs.readFile(joinPath(workTree, '.vaultignore'), 'utf8')) as string);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return { ignored: (rel, dir) => ig.ignores(dir ? `${rel}/` : rel) };
}
