import { fsError } from '../errors.js';
import { badEntryName } from '../objects/tree.js';
import type { EntryKind } from '../objects/types.js';
import { isNotFound, joinPath, syncListing, type FsPromises } from './fs.js';
import type { IgnoreRules } from './ignoreRules.js';
import type { StatInfo } from './statCache.js';

export interface WorkEntry {
  /** posix path relative to the project root */
  readonly path: string;
  readonly kind: EntryKind;
  readonly stat: StatInfo;
}

export interface ScanOptions {
  fs: FsPromises;
  workTree: string;
  ignore: IgnoreRules;
  /** something that is not a regular file, link or folder, or vanished; the scan goes on */
  onSkip?: (path: string, reason: string) => void;
  /** a `.git` (git's own store, any case): left out like `.vault`, never descended into */
  onGitFolder?: (path: string) => void;
}

/**
 * List the project folder: every file, executable, symlink (never followed)
 * and folder that is not ignored, with its stat data. No file content is read.
 * git's own store (`.git`, at any depth) is not project content: it is left
 * out, as `.vault` is, and reported once per folder through onGitFolder.
 */
export async function scanWorktree(opts: ScanOptions): Promise<WorkEntry[]> {
  const { fs, workTree, ignore } = opts;
  const out: WorkEntry[] = [];
  const sync = syncListing(fs);
  const list = async (abs: string): Promise<string[]> =>
    sync ? sync.readdir(abs) : ((await fs.readdir(abs)) as string[]);
  const statAll = async (abs: string, names: string[]) => {
    if (sync) {
      return names.map((n) => {
        try {
          return sync.lstat(`${abs}/${n}`) ?? null;
        } catch (e) {
          if (isNotFound(e)) return null;
          throw fsError(e, 'stat', `${abs}/${n}`);
        }
      });
    }
    return Promise.all(
      names.map((n) =>
        fs.lstat(joinPath(abs, n)).catch((e) => {
          if (isNotFound(e)) return null;
          throw fsError(e, 'stat', joinPath(abs, n));
        }),
      ),
    );
  };
  const walk = async (rel: string): Promise<void> => {
    const abs = rel ? joinPath(workTree, rel) : workTree;
    let names: string[];
    try {
      names = await list(abs);
    } catch (e) {
      if (isNotFound(e)) return opts.onSkip?.(rel, 'vanished');
      throw fsError(e, 'list', abs);
    }
    names.sort();
    const stats = await statAll(abs, names);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const path = rel ? `${rel}/${name}` : name;
      const st = stats[i];
      if (!st) {
        opts.onSkip?.(path, 'vanished');
        continue;
      }
      const dir = st.isDirectory();
      if (ignore.ignored(path, dir)) continue;
      if (name.toLowerCase() === '.git') {
        opts.onGitFolder?.(path);
        continue;
      }
      // a name no tree may hold (a backslash, say) is reported and left out, not allowed to fail the whole commit
      const bad = badEntryName(name, st.isSymbolicLink() ? 'symlink' : undefined);
      if (bad) {
        opts.onSkip?.(path, `cannot be stored: its name ${bad}`);
        continue;
      }
      const info: StatInfo = {
        size: Number(st.size),
        mtimeMs: Number(st.mtimeMs),
        ino: Number(st.ino),
        mode: Number(st.mode),
      };
      if (dir) {
        out.push({ path, kind: 'dir', stat: info });
        await walk(path);
      } else if (st.isSymbolicLink()) {
        out.push({ path, kind: 'symlink', stat: info });
      } else if (st.isFile()) {
        out.push({ path, kind: info.mode & 0o111 ? 'exec' : 'file', stat: info });
      } else {
        opts.onSkip?.(path, 'not a regular file, symlink or folder');
      }
    }
  };
  await walk('');
  return out;
}
