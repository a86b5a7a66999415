import { BusyVaultError, DamagedVaultError, fsError } from '../errors.js';
import type { ObjectId } from '../objects/types.js';
import { isNotFound } from '../plumbing/fs.js';
import { acquireLock } from '../plumbing/lock.js';
import {
  PackBuilder,
  listPackDir,
  readPackIndex,
  readVerifiedRecords,
  removePack,
  type PackEntry,
} from '../plumbing/pack/index.js';
import type { Vault } from './openVault.js';
import { collectRoots, reachableObjects, type Roots } from './reachable.js';

export const DEFAULT_PROTECT_MS = 14 * 86400e3;

export interface PruneOptions {
  vault: Vault;
  /** only report what would be deleted */
  dryRun?: boolean;
  /** reflog entries and loose objects younger than this keep what they name (default 14 days) */
  protectMs?: number;
  /** rewrite a pack when more than this fraction of its bytes is garbage (default 0.5) */
  repackThreshold?: number;
  lockWait?: number;
  onProgress?: (p: { phase: 'mark' | 'sweep'; done: number; total: number }) => void;
}

export interface PrunePlanPack {
  readonly name: string;
  readonly objects: number;
  readonly liveObjects: number;
  readonly bytes: number;
  readonly liveBytes: number;
  readonly action: 'keep' | 'delete' | 'rewrite';
}

export interface PruneResult {
  readonly dryRun: boolean;
  /** objects reachable from refs and the protected reflog window */
  readonly liveObjects: number;
  /** unreachable loose objects deleted (or that would be) */
  readonly looseDeleted: number;
  /**
   * unreachable loose objects kept because they are younger than the protected window (packs younger than it are kept
   * whole)
   */
  readonly looseProtected: number;
  readonly packs: PrunePlanPack[];
  /** objects that are no longer stored anywhere */
  readonly objectsDeleted: number;
  /** bytes of pack and loose files freed */
  readonly bytesFreed: number;
  /** packs that should have been rewritten but hold a record that failed verification (kept as they are) */
  readonly rewriteSkipped: string[];
  /** unreachable objects left in packs that are mostly live (below the rewrite threshold) */
  readonly garbageKept: number;
  /** packs without an index (invisible; `vault gc` or `vault repair` deals with them): never touched */
  readonly orphanPacks: string[];
}

interface Plan {
  roots: Roots;
  live: Set<ObjectId>;
  loose: { id: ObjectId; size: number }[];
  looseProtected: number;
  packs: (PrunePlanPack & { entries: PackEntry[]; keepIds: Set<ObjectId> })[];
  orphans: string[];
}

async function makePlan(vault: Vault, protectMs: number, threshold: number, now: number): Promise<Plan> {
  const { db, fs } = vault;
  await db.reload().catch((e) => {
    throw fsError(e, 'read', db.paths.root);
  });
  const [damaged] = db.damagedPacks;
  if (damaged) throw new DamagedVaultError('prune', `pack index ${damaged.name}.idx is unreadable (${damaged.reason})`);
  const dir = await listPackDir(fs, db.paths);
  const roots = await collectRoots(vault, protectMs, now);
  const live = await reachableObjects(db, roots);

  const loose: Plan['loose'] = [];
  let looseProtected = 0;
  for (const id of await db.listLoose().catch((e) => {
    throw fsError(e, 'list', db.paths.objects);
  })) {
    if (live.has(id)) continue;
    const p = db.looseObjectPath(id);
    const st = await fs.stat(p).catch((e) => {
      throw fsError(e, 'stat', p);
    });
    if (protectMs > 0 && now - st.mtimeMs < protectMs) looseProtected++;
    else loose.push({ id, size: st.size });
  }

  // packs: an object counts as live in the first pack (in name order) that keeps it
  const covered = new Set<ObjectId>();
  const packs: Plan['packs'] = [];
  const names = db
    .packNamesLoaded()
    .filter((n) => dir.packs.has(n))
    .sort();
  for (const name of names) {
    const entries = await readPackIndex(fs, db.paths.packs, name);
    let bytes = 0;
    let liveBytes = 0;
    const keepIds = new Set<ObjectId>();
    for (const e of entries) {
      bytes += e.length;
      if (live.has(e.id) && !covered.has(e.id)) {
        keepIds.add(e.id);
        liveBytes += e.length;
      }
    }
    // a pack younger than the window may hold what a lock-free plumbing command (hash-object -w) just wrote
    const recent = protectMs > 0 && now - (dir.mtimes.get(name) ?? 0) < protectMs;
    let action: 'keep' | 'delete' | 'rewrite' = 'keep';
    if (!recent && keepIds.size === 0) action = 'delete';
    else if (!recent && bytes - liveBytes > threshold * bytes) action = 'rewrite';
    if (action === 'keep') for (const e of entries) if (live.has(e.id)) covered.add(e.id);
    packs.push({
      name,
      objects: entries.length,
      liveObjects: keepIds.size,
      bytes: dir.sizes.get(name) ?? bytes,
      liveBytes,
      action,
      entries,
      keepIds,
    });
  }
  for (const p of packs) if (p.action === 'rewrite') for (const id of p.keepIds) covered.add(id);
  // an id kept by a rewrite in one pack and by a kept pack is kept twice: harmless
  const orphans = [...dir.packs].filter((n) => !dir.indexes.has(n));
  return { roots, live, loose, looseProtected, packs, orphans };
}

/**
 * Delete what nothing reaches. Under the vault lock (so no commit is writing),
 * mark everything reachable from HEAD, every ref and every reflog entry younger
 * than the protected window; then, after reading the refs again (a ref moved
 * by a lock-free plumbing command means marking again), sweep:
 *  - packs holding only garbage are removed (index first, then data);
 *  - packs that are mostly garbage are rewritten: their live records are copied
 *    (verified) into a new pack that is durable and indexed before the old one goes;
 *  - unreachable loose objects older than the window are removed.
 * Any unreadable ref, reflog, index, listing or reachable object stops prune
 * before it deletes anything.
 */
export async function prune(opts: PruneOptions): Promise<PruneResult> {
  const { vault } = opts;
  const { db, fs } = vault;
  const protectMs = opts.protectMs ?? DEFAULT_PROTECT_MS;
  const threshold = opts.repackThreshold ?? 0.5;
  const release = opts.dryRun
    ? null
    : await acquireLock({ fs, path: db.paths.lock, command: 'prune', wait: opts.lockWait, clock: vault.clock });
  try {
    const now = vault.clock();
    let plan = await makePlan(vault, protectMs, threshold, now);
    for (let round = 0; ; round++) {
      const again = await collectRoots(vault, protectMs, now);
      if (again.fingerprint === plan.roots.fingerprint) break;
      if (round >= 3) throw new BusyVaultError('prune');
      plan = await makePlan(vault, protectMs, threshold, now);
    }
    const deletedPacks = plan.packs.filter((p) => p.action === 'delete');
    const rewrite = plan.packs.filter((p) => p.action === 'rewrite');
    // what will be stored nowhere afterwards
    const survivors = new Set<ObjectId>();
    for (const p of plan.packs) {
      if (p.action === 'keep') for (const e of p.entries) survivors.add(e.id);
      else if (p.action === 'rewrite') for (const id of p.keepIds) survivors.add(id);
    }
    const looseGoing = new Set(plan.loose.map((l) => l.id));
    for (const id of await db.listLoose().catch((e) => {
      throw fsError(e, 'list', db.paths.objects);
    }))
      if (!looseGoing.has(id)) survivors.add(id);
    const gone = new Set<ObjectId>();
    for (const p of plan.packs)
      if (p.action !== 'keep') for (const e of p.entries) if (!survivors.has(e.id)) gone.add(e.id);
    for (const l of plan.loose) if (!survivors.has(l.id)) gone.add(l.id);
    let bytesFreed = deletedPacks.reduce((s, p) => s + p.bytes, 0) + plan.loose.reduce((s, l) => s + l.size, 0);
    const rewriteSkipped: string[] = [];

    if (!opts.dryRun) {
      // 1. rewrite mostly-garbage packs: copies durable and indexed before the originals go
      const builder = new PackBuilder(fs, db.paths, db.packSize);
      const copied: typeof rewrite = [];
      try {
        let i = 0;
        for (const p of rewrite) {
          opts.onProgress?.({ phase: 'sweep', done: i++, total: rewrite.length });
          const recs = await readVerifiedRecords(
            db,
            p.name,
            p.entries,
            (e) => p.keepIds.has(e.id) && !builder.has(e.id),
          );
          if (!recs) {
            rewriteSkipped.push(p.name);
            continue;
          }
          for (const r of recs) await builder.add(r);
          copied.push(p);
        }
        await builder.finish();
      } catch (e) {
        await builder.abort();
        throw e;
      }
      await db.close();
      for (const p of copied) {
        await removePack(fs, db.paths, p.name);
        bytesFreed += p.bytes - p.liveBytes;
      }
      // 2. packs with nothing live
      for (const p of deletedPacks) await removePack(fs, db.paths, p.name);
      // 3. loose garbage
      for (const l of plan.loose) {
        const path = db.looseObjectPath(l.id);
        await fs.unlink(path).catch((e) => {
          if (!isNotFound(e)) throw fsError(e, 'remove', path);
        });
      }
      await db.reload();
    } else {
      for (const p of rewrite) bytesFreed += p.bytes - p.liveBytes;
    }
    return {
      dryRun: !!opts.dryRun,
      liveObjects: plan.live.size,
      looseDeleted: plan.loose.length,
      looseProtected: plan.looseProtected,
      packs: plan.packs.map(({ entries: _e, keepIds: _k, ...p }) => ({
        ...p,
        action: rewriteSkipped.includes(p.name) ? 'keep' : p.action,
      })),
      objectsDeleted: gone.size,
      bytesFreed,
      rewriteSkipped,
      garbageKept: plan.packs
        .filter((p) => p.action === 'keep' || rewriteSkipped.includes(p.name))
        .reduce((s, p) => s + p.objects - p.entries.filter((e) => plan.live.has(e.id)).length, 0),
      orphanPacks: plan.orphans,
    };
  } finally {
    await release?.();
  }
}
