import { nodeCrypto } from '../builtins.js';
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
  /** SHA-256 (hex) of the rules: the same digest, the same answers (the stat cache's folder records keep it) */
  readonly digest: string;
}

export async function loadIgnoreRules(fs: FsPromises, workTree: string, extra: string[] = []): Promise<IgnoreRules> {
  let text = '';
  try {
    text = (await fs.readFile(joinPath(workTree, '.vaultignore'), 'utf8')) as string;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const builtIn = ['/.vault', ...extra];
  const digest = nodeCrypto()
    .createHash('sha256')
    .update(JSON.stringify([builtIn, text]))
    .digest('hex');
  if (!text.split(/\r?\n/).some((l) => l.trim() !== '' && !l.startsWith('#'))) return anchoredOnly(builtIn, digest);
  const ig: Ignore = ignore();
  ig.add(builtIn);
  ig.add(text);
  return { ignored: (rel, dir) => ig.ignores(dir ? `${rel}/` : rel), digest };
}

/**
 * No `.vaultignore` rules: only the built-in anchored paths (`/.vault`, a vault folder inside the project), each
 * with what is under it, matched as the `ignore` package does (ignoring case), without going through it: it
 * remembers every path it was asked about, which at a million files is hundreds of MB and most of a quick
 * commit's time.
 */
function anchoredOnly(patterns: string[], digest: string): IgnoreRules {
  const paths = patterns.map((p) => p.replace(/^\//, '').replace(/\/$/, '').toLowerCase());
  if (paths.some((p) => /[^\x00-\x7f]/.test(p)))
    return {
      digest,
      ignored: (rel) => {
        const r = rel.toLowerCase();
        return paths.some((p) => r === p || r.startsWith(`${p}/`));
      },
    };
  // ASCII patterns (nearly always): compared a code unit at a time, no lower-cased copy of every path (~1 MB of
  // garbage an unchanged commit of 7,000 files); a non-ASCII letter never matches an ASCII one, as in the
  // package's case-insensitive regular expressions (no `u` flag)
  return {
    digest,
    ignored: (rel) => {
      for (const p of paths) {
        const n = p.length;
        if (rel.length < n || (rel.length > n && rel.charCodeAt(n) !== 0x2f)) continue;
        let i = 0;
        for (; i < n; i++) {
          const c = rel.charCodeAt(i);
          if ((c >= 0x41 && c <= 0x5a ? c + 32 : c) !== p.charCodeAt(i)) break;
        }
        if (i === n) return true;
      }
      return false;
    },
  };
}
