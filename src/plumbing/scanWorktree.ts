import { fsError, isPermissionDenied } from '../errors.js';
import { badRawName, nameFromBytes } from '../objects/rawName.js';
import { badEntryName } from '../objects/tree.js';
import { diskPath } from './diskPath.js';
import { isNotFound, syncListing, type FsPromises } from './fs.js';
import type { IgnoreRules } from './ignoreRules.js';
import type { StatInfo } from './statCache.js';
import { WorkList } from './workList.js';

/**
 * Why a path was left out. `nested-vault` is by design (another vault's store,
 * backed up by that vault); every other kind means something that is in the
 * project folder is not in the snapshot.
 */
export type SkipKind = 'unreadable' | 'vanished' | 'changed' | 'special' | 'name' | 'nested-vault';

export interface ScanOptions {
  fs: FsPromises;
  workTree: string;
  ignore: IgnoreRules;
  /** something that is not a regular file, link or folder, vanished or unreadable; the scan goes on */
  onSkip?: (path: string, reason: string, kind: SkipKind) => void;
  /** a `.git` (git's own store, any case): left out like `.vault`, never descended into */
  onGitFolder?: (path: string) => void;
  /** rows to make room for at once (the number of entries the stat cache holds, say) */
  expected?: number;
  /**
   * Each file and symlink as it is listed, in walk order, with its path (the string is made for the lstat
   * anyway): the stat cache is matched here rather than in a second pass that builds every path again. A
   * promise returned is awaited before the scan goes on (the cache reads its next piece).
   */
  onFile?: (list: WorkList, row: number, path: string) => void | Promise<void>;
  /**
   * The stat cache's folder records (StatCursor.folder and child), asked in walk order in step with onFile: a
   * folder they vouch for (its stat data as when it was listed) is not listed again, its names are theirs (as
   * git's untracked cache). A folder in which something was left out or not recorded is marked (WorkList.listOpen)
   * so that its record says to list it.
   */
  cached?: {
    folder(path: string, st: StatInfo, ctimeMs: number): boolean | Promise<boolean>;
    child(path: string): string | null | undefined | Promise<string | null | undefined>;
  };
}

/**
 * A folder's names, and for a name that is not UTF-8 its bytes (the name is then `\xHH` for each byte that is
 * not, see objects/rawName.ts). Names as a plain array: one object a name cost ~1 µs each of an unchanged
 * commit's walk, where the code runs cold.
 */
interface Listing {
  readonly names: string[];
  readonly bytes: Map<string, Buffer> | null;
}

/** Why a name cannot be stored (and the kind of skip), or null. */
function badName(name: string, bytes: Buffer | undefined, kind?: 'symlink'): { reason: string; kind: SkipKind } | null {
  const bad = bytes ? badRawName(bytes) : badEntryName(name, kind);
  if (!bad) return null;
  if (name.length === 6 && name.toLowerCase() === '.vault')
    return {
      reason: "another vault's store: not backed up here (back it up from its own project)",
      kind: 'nested-vault',
    };
  return { reason: `cannot be stored: its name ${bad}`, kind: 'name' };
}

/** A folder's names (see Listing); `sync`: node's fs called directly (see syncFs). */
async function list(fs: FsPromises, sync: ReturnType<typeof syncListing>, abs: string | Buffer): Promise<Listing> {
  const names = sync && typeof abs === 'string' ? sync.readdir(abs) : ((await fs.readdir(abs)) as string[]);
  // a name that is not UTF-8 reads as U+FFFD: list again as bytes, so it is neither lost nor taken for another
  let replaced = false;
  for (let i = 0; i < names.length && !replaced; i++) replaced = names[i]!.includes('\uFFFD');
  if (!replaced) return { names, bytes: null };
  const raw = (await fs.readdir(abs, { encoding: 'buffer' })) as Buffer[];
  const bytes = new Map<string, Buffer>();
  const decoded = raw.map((b) => {
    const name = nameFromBytes(b);
    if (name.includes('\\')) bytes.set(name, b);
    return name;
  });
  return { names: decoded, bytes };
}

/**
 * List the project folder: every file, executable, symlink (never followed)
 * and folder that is not ignored, with its stat data, in walk order (see
 * compareWalkOrder), as columns (see WorkList). No file content is read.
 * git's own store (`.git`, at any depth) is not project content: it is left
 * out, as `.vault` is, and reported once per folder through onGitFolder.
 */
export async function scanWorktree(opts: ScanOptions): Promise<WorkList> {
  const { fs, workTree, ignore } = opts;
  const out = new WorkList(opts.expected ? Math.ceil(opts.expected * 1.05) + 64 : 1024);
  const sync = syncListing(fs);
  /** lstat each path; null when it vanished, 'unreadable' when permission was denied */
  type Stat = NonNullable<ReturnType<NonNullable<typeof sync>['lstat']>>;
  const statFailed = (e: unknown, p: string | Buffer): null | 'unreadable' => {
    if (isNotFound(e)) return null;
    if (isPermissionDenied(e)) return 'unreadable';
    throw fsError(e, 'stat', p);
  };
  const statOne = (p: string): Stat | null | 'unreadable' => {
    try {
      return sync!.lstat(p) ?? null;
    } catch (e) {
      return statFailed(e, p);
    }
  };
  const statAll = async (paths: (string | Buffer)[]): Promise<(Stat | null | 'unreadable')[]> => {
    if (sync && paths.every((p) => typeof p === 'string')) return paths.map((p) => statOne(p as string));
    return Promise.all(paths.map((p) => (fs.lstat(p) as Promise<Stat>).catch((e) => statFailed(e, p))));
  };
  /** a folder whose names the stat cache must not give next time (see StatCache's folder records) */
  const open = (row: number): void => {
    if (row >= 0) out.setListOpen(row);
  };
  /**
   * One name of the folder at row `row` (`prefix`: its path and a slash), with its lstat: reported, left out or
   * added (a folder walked); a promise when it must be waited for.
   */
  const visit = (
    row: number,
    prefix: string,
    name: string,
    raw: Buffer | undefined,
    st: Stat | null | 'unreadable',
  ): void | Promise<void> => {
    const path = prefix + name;
    if (name.length === 4 && name.toLowerCase() === '.git') {
      opts.onGitFolder?.(path);
      return open(row);
    }
    if (!st) {
      opts.onSkip?.(path, 'vanished', 'vanished');
      return open(row);
    }
    if (st === 'unreadable') {
      if (!ignore.ignored(path, false) && !ignore.ignored(path, true))
        opts.onSkip?.(path, 'unreadable: permission denied', 'unreadable');
      return open(row);
    }
    const dir = st.isDirectory();
    if (ignore.ignored(path, dir)) return;
    // a name no tree may hold (a backslash, say) is reported and left out, not allowed to fail the whole commit
    const bad = badName(name, raw, st.isSymbolicLink() ? 'symlink' : undefined);
    if (bad) {
      opts.onSkip?.(path, bad.reason, bad.kind);
      return open(row);
    }
    const info: StatInfo = {
      size: Number(st.size),
      mtimeMs: Number(st.mtimeMs),
      ino: Number(st.ino),
      mode: Number(st.mode),
    };
    if (dir) {
      const r = out.add(row, name, 'dir', info);
      out.setCtime(r, Number(st.ctimeMs));
      return walk(path, r, info).then((listed) => {
        if (listed) return;
        out.pop(); // not even as an empty folder
        open(row);
      });
    }
    if (st.isSymbolicLink()) {
      const r = out.add(row, name, 'symlink', info);
      return opts.onFile?.(out, r, path);
    }
    if (st.isFile()) {
      const r = out.add(row, name, info.mode & 0o111 ? 'exec' : 'file', info);
      return opts.onFile?.(out, r, path);
    }
    opts.onSkip?.(path, 'not a regular file, symlink or folder', 'special');
    return open(row);
  };
  /**
   * The names of a folder the stat cache vouches for (see ScanOptions.cached), each visited as it is given;
   * false when the cache could not give them all: `after` then holds the last name visited (or null).
   */
  const fromCache = async (rel: string, row: number, after: { last: string | null }): Promise<boolean> => {
    const cached = opts.cached!;
    const prefix = `${rel}/`;
    const abs = diskPath(workTree, rel);
    const absPrefix = sync && typeof abs === 'string' ? `${abs}/` : null;
    for (;;) {
      let name = cached.child(rel);
      if (name !== null && typeof name === 'object') name = await name;
      if (name === null) return true;
      if (name === undefined) return false;
      after.last = name;
      const st = absPrefix
        ? statOne(absPrefix + name)
        : (await statAll([typeof abs === 'string' ? `${abs}/${name}` : diskPath(workTree, prefix + name)]))[0]!;
      const p = visit(row, prefix, name, undefined, st);
      if (p) await p;
    }
  };
  /**
   * List a folder and visit its names (`st`: its stat data, for the stat cache); false when it could not be
   * listed (vanished or unreadable: reported).
   */
  const walk = async (rel: string, row: number, st: StatInfo | null): Promise<boolean> => {
    let after: { last: string | null } | null = null;
    if (st && opts.cached) {
      let vouched = opts.cached.folder(rel, st, out.ctimeMs(row));
      if (typeof vouched !== 'boolean') vouched = await vouched;
      if (vouched) {
        after = { last: null };
        if (await fromCache(rel, row, after)) return true;
        // the cache could not give every name: the rest are listed (a cache cut short or out of order)
      }
    }
    const abs = diskPath(workTree, rel);
    let listing: Listing;
    try {
      listing = await list(fs, sync, abs);
    } catch (e) {
      if (isNotFound(e)) {
        opts.onSkip?.(rel, 'vanished', 'vanished');
        return false;
      }
      // an unreadable folder is left out and named; the rest is backed up (the project folder itself must be readable)
      if (!rel || !isPermissionDenied(e)) throw fsError(e, 'list', abs);
      opts.onSkip?.(rel, 'unreadable: permission denied', 'unreadable');
      return false;
    }
    const { bytes } = listing;
    let { names } = listing;
    names.sort(); // UTF-16 code unit order, as compareWalkOrder within one folder
    if (after?.last != null) {
      const last = after.last;
      names = names.filter((n) => n > last);
    }
    // names that are not UTF-8 are recorded escaped: the cache does not give them back (the folder is listed)
    if (bytes) open(row);
    const prefix = rel ? `${rel}/` : '';
    // synchronous lstat, one name at a time, where it can be (node's fs, names that are UTF-8); else all at once
    const absPrefix = sync && typeof abs === 'string' && !bytes ? `${abs}/` : null;
    const stats = absPrefix
      ? null
      : await statAll(
          names.map((n) =>
            typeof abs === 'string' && !bytes?.has(n) ? `${abs}/${n}` : diskPath(workTree, prefix + n),
          ),
        );
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const p = visit(row, prefix, name, bytes?.get(name), absPrefix ? statOne(absPrefix + name) : stats![i]!);
      if (p) await p;
    }
    return true;
  };
  await walk('', -1, null);
  out.trim();
  return out;
}
