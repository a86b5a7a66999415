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
  let text = '';
  try {
    text = (await fs.readFile(joinPath(workTree, '.vaultignore'), 'utf8')) as string;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const builtIn = ['/.vault', ...extra];
  if (!text.split(/\r?\n/).some((l) => l.trim() !== '' && !l.startsWith('#'))) return anchoredOnly(builtIn);
  const ig: Ignore = ignore();
  ig.add(builtIn);
  ig.add(text);
  return { ignored: (rel, dir) => ig.ignores(dir ? `${rel}/` : rel) };
}

/**
 * No `.vaultignore` rules: only the built-in anchored paths (`/.vault`, a vault folder inside the project), each
 * with what is under it, matched as the `ignore` package does (ignoring case), without going through it: it
 * remembers every path it was asked about, which at a million files is hundreds of MB and most of a quick
 * commit's time.
 */
function anchoredOnly(patterns: string[]): IgnoreRules {
  const paths = patterns.map((p) => p.replace(/^\//, '').replace(/\/$/, '').toLowerCase());
  return {
    ignored: (rel) => {
      const r = rel.toLowerCase();
      return paths.some((p) => r === p || r.startsWith(`${p}/`));
    },
  };
}
