import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId } from '../objects/types.js';
import { diskPath } from '../plumbing/diskPath.js';
import { isNotFound } from '../plumbing/fs.js';
import { flattenTree, type FlatEntry } from '../plumbing/trees.js';
import { readHead } from '../refs/refs.js';
import { diffFlat, type TreeDiff } from './diffTrees.js';
import { refNames, walkHistory, type LogEntry } from './log.js';
import type { Vault } from './openVault.js';
import { readSnapshot, type ResolvedSnapshot } from './readSnapshot.js';

/**
 * Read-only helpers for browsing history page by page (the TUI's timeline):
 * `log` reads everything it returns up front; a pager reads the first screenful,
 * then more on request, and looks the ref names up once.
 */
export interface TimelinePager {
  /** the next `n` snapshots, newest first over both sides of merges (fewer at the root) */
  next(n: number): Promise<LogEntry[]>;
  /** no snapshots left */
  readonly done: boolean;
  /** read the ref names again (after a milestone or tag was made) */
  refresh(): Promise<Map<ObjectId, string[]>>;
}

export interface TimelineOptions {
  vault: Vault;
  /** where to start (default HEAD) */
  from?: string;
  /** only the first-parent line (a merge is one entry, its changes are against the first parent) */
  firstParent?: boolean;
}

/** Page through history in `log`'s order: newest first, every parent (or first parents only). */
export async function openTimeline(opts: TimelineOptions): Promise<TimelinePager> {
  const { vault } = opts;
  let names = await refNames(vault);
  const startId = opts.from ? (await readSnapshot(vault, opts.from)).id : ((await readHead(vault.refs)).id ?? null);
  const start: ResolvedSnapshot | null = startId
    ? { id: startId, ...decodeSnapshot(await vault.db.readTyped(startId, 'snapshot'), startId) }
    : null;
  const walk = start ? walkHistory(vault, start, { firstParent: opts.firstParent }) : null;
  await walk?.next(); // the walk yields `start` first: it is `ahead` already
  // one snapshot read ahead, so that `done` is true as soon as the last page is out
  let ahead: ResolvedSnapshot | null = start;
  const pager: TimelinePager = {
    get done() {
      return ahead === null;
    },
    async next(n: number) {
      const out: LogEntry[] = [];
      while (ahead && out.length < n) {
        out.push({ ...ahead, refs: names.get(ahead.id) ?? [] });
        const r = await walk!.next();
        ahead = r.done ? null : r.value;
      }
      return out;
    },
    async refresh() {
      names = await refNames(vault);
      return names;
    },
  };
  return pager;
}

export interface SnapshotChanges extends TreeDiff {
  /** the first parent, or null for a root snapshot (then everything is added) */
  readonly parent: ObjectId | null;
  readonly snapshot: ObjectId;
}

/** Flattened trees by root tree id, kept between calls (neighbouring snapshots share trees). */
export type TreeCache = Map<ObjectId, Map<string, FlatEntry>>;

async function flatCached(vault: Vault, tree: ObjectId, cache?: TreeCache): Promise<Map<string, FlatEntry>> {
  const hit = cache?.get(tree);
  if (hit) return hit;
  const flat = await flattenTree(vault.db, tree);
  if (cache) {
    if (cache.size >= 32) cache.delete(cache.keys().next().value!);
    cache.set(tree, flat);
  }
  return flat;
}

/** What a snapshot changed against its first parent. */
export async function snapshotChanges(vault: Vault, id: ObjectId, cache?: TreeCache): Promise<SnapshotChanges> {
  const snap = decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id);
  const parent = snap.parents[0] ?? null;
  const before = parent
    ? await flatCached(vault, decodeSnapshot(await vault.db.readTyped(parent, 'snapshot'), parent).tree, cache)
    : new Map<string, FlatEntry>();
  const after = await flatCached(vault, snap.tree, cache);
  return { parent, snapshot: id, ...diffFlat(before, after) };
}

export interface ChangeCounts {
  readonly added: number;
  readonly modified: number;
  readonly deleted: number;
  readonly renamed: number;
}

export async function changeCounts(vault: Vault, id: ObjectId, cache?: TreeCache): Promise<ChangeCounts> {
  const c = await snapshotChanges(vault, id, cache);
  return { added: c.added.length, modified: c.modified.length, deleted: c.deleted.length, renamed: c.renamed.length };
}

/** What is at a project-relative path in the working folder now (for "this will overwrite ..." prompts). */
export async function worktreeEntry(
  vault: Vault,
  path: string,
): Promise<{ kind: 'file' | 'dir' | 'symlink'; size: number; mtime: number } | null> {
  try {
    const st = await vault.fs.lstat(diskPath(vault.workTree, path));
    let kind: 'file' | 'dir' | 'symlink' = 'file';
    if (st.isSymbolicLink()) kind = 'symlink';
    else if (st.isDirectory()) kind = 'dir';
    return { kind, size: Number(st.size), mtime: Number(st.mtimeMs) };
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}
