import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import type { ObjectId, TreeEntry } from '../../objects/types.js';
import type { GitOid } from '../../plumbing/git/objects.js';
import type { Vault } from '../openVault.js';
import { LockCache, type LockView } from './cache.js';
import { LockedByOtherError } from './errors.js';
import { ownerOf, sameOwner } from './record.js';
import { readRecords } from './refresh.js';
import { listLockRefs, lockRefsOf, lockRemote, type RemoteOptions } from './remote.js';

export interface PushLocksOptions extends RemoteOptions {
  /** the snapshots the push sends (the remote lacks them) */
  snapshots: readonly ObjectId[];
  /** the remote's refs as the push's discovery saw them (saves listing them again) */
  refs?: ReadonlyMap<string, GitOid>;
  /** report other people's locks instead of refusing */
  ignoreLocks?: boolean;
}

export interface PushLocksResult {
  /** locked files the pushed snapshots change that this vault's author holds (what `push --unlock` releases) */
  readonly mine: readonly string[];
  /** locked files they change that someone else holds (only with `ignoreLocks`: otherwise the push is refused) */
  readonly others: readonly LockView[];
}

/**
 * Before a push sends anything: the locked files its snapshots change. A snapshot changes a path when the
 * path's entry differs from the one in every parent (a merge that takes the other side's version changes
 * nothing). Files locked by someone else refuse the push (ELOCKEDBYOTHER, naming the owner and the lock's
 * age) unless `ignoreLocks`. Only the locked paths are looked up in each snapshot (no tree is flattened),
 * and a remote without locks costs nothing more than its ref listing, which the push has already made.
 */
export async function checkPushLocks(opts: PushLocksOptions): Promise<PushLocksResult> {
  const { vault } = opts;
  const remote = await lockRemote(opts);
  const refs = opts.refs ? lockRefsOf(opts.refs) : await listLockRefs(remote);
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  if (refs.locks.size) await readRecords(vault, remote, cache, { locks: refs.locks, breaks: new Map() });
  // what the push saw is the remote's lock state now (break records are read by the next fetch); a vault
  // that never met a lock gets no lock cache
  if (refs.locks.size || cache.fetchedAt(remote.name) !== null) {
    cache.setRemoteLocks(remote.name, refs.locks, vault.clock());
    await cache.save();
  }
  const me = ownerOf(vault.author);
  const locks = cache.locks(me, remote.name).filter((l) => l.record);
  if (!locks.length || !opts.snapshots.length) return { mine: [], others: [] };
  const changed = await changedPaths(
    vault,
    opts.snapshots,
    locks.map((l) => l.record!.path),
  );
  const hit = locks.filter((l) => changed.has(l.record!.path));
  const others = hit.filter((l) => !sameOwner(l.record!.owner, me));
  if (others.length && !opts.ignoreLocks)
    throw new LockedByOtherError(
      'push',
      others.map((l) => ({ path: l.record!.path, record: l.record })),
      vault.clock(),
    );
  return { mine: hit.filter((l) => l.mine).map((l) => l.record!.path), others };
}

/** Which of `paths` the snapshots change (see checkPushLocks). */
async function changedPaths(
  vault: Vault,
  snapshots: readonly ObjectId[],
  paths: readonly string[],
): Promise<Set<string>> {
  const trees = new Map<ObjectId, Map<string, TreeEntry>>();
  const readTree = async (id: ObjectId) => {
    let t = trees.get(id);
    if (!t) {
      t = new Map(decodeTree(await vault.db.readTyped(id, 'tree'), id).entries.map((e) => [e.name, e]));
      if (trees.size > 10_000) trees.clear();
      trees.set(id, t);
    }
    return t;
  };
  const entryAt = async (root: ObjectId, path: string): Promise<string | null> => {
    let id = root;
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const e = (await readTree(id)).get(parts[i]!);
      if (!e) return null;
      if (i === parts.length - 1) return e.kind === 'dir' ? null : `${e.kind}:${e.id}`;
      if (e.kind !== 'dir') return null;
      id = e.id;
    }
    return null;
  };
  const rootOf = async (id: ObjectId) => decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id);
  const out = new Set<string>();
  for (const s of snapshots) {
    const snap = await rootOf(s);
    const parents = await Promise.all(snap.parents.map(async (p) => ((await vault.db.has(p)) ? rootOf(p) : null)));
    for (const path of paths) {
      if (out.has(path)) continue;
      const mine = await entryAt(snap.tree, path);
      let inherited = false;
      for (const p of parents) if (p && (await entryAt(p.tree, path)) === mine) inherited = true;
      if (!inherited && (mine !== null || parents.length > 0)) out.add(path);
    }
  }
  return out;
}
