import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId } from '../../objects/types.js';
import { diffTreeIds, type Change } from '../diffTrees.js';
import type { Vault } from '../openVault.js';
import { listRemotes } from '../sync/state.js';
import { LockCache, type LockView } from './cache.js';
import { loadLockable } from './lockable.js';
import { lockRefOf } from './record.js';
import { cachedLocks } from './refresh.js';

/** A lockable file changed without its author holding the lock. */
export interface LockNote {
  readonly path: string;
  /** who holds it, as last seen (null: nobody did) */
  readonly lock: LockView | null;
}

export interface LockNotes {
  readonly notes: readonly LockNote[];
  /** when the lock state was last read from a remote (ms since the epoch; null: never) */
  readonly fetchedAt: number | null;
}

const NONE: LockNotes = { notes: [], fetchedAt: null };

/**
 * What status and commit say about locks: the changed `paths` that are lockable (`.vaultlockable`) and that
 * this vault's author has not locked, with who holds each, from the cached lock state (no network; locks
 * never block local work). Reads nothing but `.vaultlockable` unless a lockable file changed, and nothing at
 * all in a vault without a remote.
 */
export async function lockNotes(opts: { vault: Vault; paths: readonly string[] }): Promise<LockNotes> {
  const { vault } = opts;
  if (!opts.paths.length) return NONE;
  const rules = await loadLockable(vault.fs, vault.workTree);
  if (!rules.any) return NONE;
  const changed = opts.paths.filter((p) => rules.lockable(p));
  if (!changed.length || !(await listRemotes(vault.fs, vault.vaultDir)).length) return NONE;
  const locks = await cachedLocks(vault);
  const notes: LockNote[] = [];
  for (const path of changed) {
    const lock = locks.get(lockRefOf(path.normalize('NFC'))) ?? null;
    if (!lock?.mine) notes.push({ path, lock });
  }
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  const times = cache.remotes().map((r) => cache.fetchedAt(r) ?? 0);
  return { notes, fetchedAt: times.length ? Math.min(...times) || null : null };
}

/** Every path a change list touches: added, modified, deleted, and both names of a rename. */
export function changedPaths(d: {
  readonly added: readonly Change[];
  readonly modified: readonly Change[];
  readonly deleted: readonly Change[];
  readonly renamed: readonly Change[];
}): string[] {
  const out = [...d.added, ...d.modified, ...d.deleted, ...d.renamed].map((c) => c.path);
  for (const r of d.renamed) if (r.from) out.push(r.from);
  return [...new Set(out)];
}

/** lockNotes for what a commit changed: the paths that differ between `parent` and the new snapshot `id`. */
export async function commitLockNotes(opts: {
  vault: Vault;
  parent: ObjectId | null;
  id: ObjectId | null;
}): Promise<LockNotes> {
  const { vault } = opts;
  if (!opts.id || !(await loadLockable(vault.fs, vault.workTree)).any) return NONE;
  const treeOf = async (id: ObjectId | null) =>
    id ? decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id).tree : null;
  const d = await diffTreeIds(vault.db, await treeOf(opts.parent), await treeOf(opts.id));
  return lockNotes({ vault, paths: changedPaths(d) });
}
