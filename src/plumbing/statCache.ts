import { isObjectId } from '../objects/hashObject.js';
import type { EntryObj, ObjectId } from '../objects/types.js';
import { isNotFound, writeFileAtomic, type FsPromises } from './fs.js';

/**
 * The stat cache (`.vault/index`), like git's index: for each path the stat
 * data it had when last hashed and the id it hashed to. A file whose size,
 * mtime, inode and mode still match is not read again.
 *
 * Racy files: a file modified within the timestamp granularity of the cache
 * write could change again without its mtime changing. As in git, an entry whose
 * mtime is not strictly older than the cache file's own mtime is treated as
 * dirty and re-hashed.
 */
export interface StatInfo {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly mode: number;
}

export interface CacheEntry extends StatInfo {
  readonly obj: EntryObj;
  readonly id: ObjectId;
}

export class StatCache {
  readonly entries = new Map<string, CacheEntry>();
  /** mtime of the cache file when it was loaded; entries at or after it are racy */
  private stamp = -Infinity;

  static async load(fs: FsPromises, path: string): Promise<StatCache> {
    const c = new StatCache();
    try {
      const [raw, st] = await Promise.all([fs.readFile(path, 'utf8') as Promise<string>, fs.stat(path)]);
      const parsed = JSON.parse(raw) as { v: number; e: Record<string, [number, number, number, number, EntryObj, string]> };
      if (parsed?.v !== 1 || typeof parsed.e !== 'object') return c;
      for (const [p, e] of Object.entries(parsed.e)) {
        if (!Array.isArray(e) || !isObjectId(e[5])) continue;
        c.entries.set(p, { size: e[0], mtimeMs: e[1], ino: e[2], mode: e[3], obj: e[4], id: e[5] });
      }
      c.stamp = st.mtimeMs;
    } catch (e) {
      // a missing or damaged cache only costs re-hashing
      if (!isNotFound(e) && !(e instanceof SyntaxError)) throw e;
    }
    return c;
  }

  /** The cached id when `st` matches and the entry is not racy. */
  lookup(path: string, st: StatInfo): CacheEntry | undefined {
    const e = this.entries.get(path);
    if (!e) return undefined;
    if (e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino || e.mode !== st.mode) return undefined;
    if (e.mtimeMs >= this.stamp) {
      // racy: re-hashed now, and the cache is rewritten so its newer stamp vouches for it next time
      this.dirty = true;
      return undefined;
    }
    return e;
  }

  /** true once an entry was added or changed since load */
  dirty = false;

  set(path: string, e: CacheEntry): void {
    const old = this.entries.get(path);
    if (!old || old.id !== e.id || old.size !== e.size || old.mtimeMs !== e.mtimeMs || old.ino !== e.ino || old.mode !== e.mode) this.dirty = true;
    this.entries.set(path, e);
  }

  /** Write the cache; `keep` drops paths that are gone. Skipped when nothing changed. */
  async save(fs: FsPromises, path: string, keep?: (p: string) => boolean): Promise<void> {
    const e: Record<string, unknown[]> = {};
    let dropped = false;
    for (const [p, v] of this.entries) {
      if (!keep || keep(p)) e[p] = [v.size, v.mtimeMs, v.ino, v.mode, v.obj, v.id];
      else dropped = true;
    }
    if (!this.dirty && !dropped) return;
    await writeFileAtomic(fs, path, JSON.stringify({ v: 1, e }), { durable: false });
    this.dirty = false;
  }
}
