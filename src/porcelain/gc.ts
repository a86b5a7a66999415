import { fsError } from '../errors.js';
import type { ObjectId } from '../objects/types.js';
import { isNotFound, joinPath } from '../plumbing/fs.js';
import { acquireLock } from '../plumbing/lock.js';
import {
  PackBuilder,
  listPackDir,
  readPackIndex,
  readVerifiedRecords,
  removePack,
  scanPack,
  verifyRecord,
  writePackIndex,
} from '../plumbing/pack/index.js';
import type { Vault } from './openVault.js';

export interface GcOptions {
  vault: Vault;
  /** the caller already holds the vault lock (auto-gc at the end of a commit) */
  lockHeld?: boolean;
  /** seconds to wait for another command holding the lock */
  lockWait?: number;
  /** combine small packs into bigger ones (default true) */
  repack?: boolean;
  /** repack when at least this many small packs exist (default 8) */
  minSmallPacks?: number;
  /** a pack below this many bytes is small (default: a quarter of the configured pack size) */
  smallPackBytes?: number;
  /**
   * a pack without an index is left alone until it is this old (default 10 minutes): a lock-free writer
   * (hash-object -w) may be between renaming its pack and writing the index
   */
  orphanMinAgeMs?: number;
  onProgress?: (p: { phase: 'temps' | 'orphans' | 'loose' | 'repack'; done: number; total: number }) => void;
}

export interface GcResult {
  /** leftovers of killed writers removed from packs/ */
  readonly tempsRemoved: string[];
  /**
   * packs without an index (a writer killed between rename and index): indexed, or removed when they held nothing new
   */
  readonly orphanPacks: { name: string; action: 'indexed' | 'removed' | 'too young'; objects: number }[];
  /** loose objects moved into a pack */
  readonly loosePacked: number;
  /** loose files removed (packed now, or already packed before) */
  readonly looseRemoved: number;
  /** loose objects that failed verification: left where they are (see vault repair) */
  readonly looseCorrupt: ObjectId[];
  /** small packs combined, and how many packs they became */
  readonly repackedFrom: number;
  readonly repackedInto: number;
  /** small packs not combined because a record in them failed verification */
  readonly repackSkipped: string[];
  readonly packsBefore: number;
  readonly packsAfter: number;
}

/**
 * Tidy the object store. Under the vault lock:
 *  1. remove packs/tmp-* leftovers of killed commits (nothing else writes there while the lock is held);
 *  2. index packs that lost the race to their index (or remove them when everything in them is stored elsewhere);
 *  3. move loose objects into a new pack: each is verified, the pack is made durable and indexed, and only
 *     then are the loose files removed;
 *  4. combine many small packs into few: records are copied (verified, not recompressed) into new packs that
 *     are durable and indexed before the old ones are removed (index first, then data).
 * Killed at any point, every object stays readable from at least one place.
 */
export async function gc(opts: GcOptions): Promise<GcResult> {
  const { vault } = opts;
  const { db, fs } = vault;
  const paths = db.paths;
  const release = opts.lockHeld
    ? null
    : await acquireLock({ fs, path: paths.lock, command: 'gc', wait: opts.lockWait, clock: vault.clock });
  try {
    await db.ready();
    const dir = await listPackDir(fs, paths);
    const tempsRemoved = await removeTemps(vault, dir.temps);
    const orphanPacks = await settleOrphanPacks(opts, dir);
    const loose = await packLoose(opts);
    const repacked =
      opts.repack !== false ? await repackSmallPacks(opts, loose.sealed) : { from: 0, into: 0, skipped: [] };
    const after = await listPackDir(fs, paths);
    return {
      tempsRemoved,
      orphanPacks,
      loosePacked: loose.packed,
      looseRemoved: loose.removed,
      looseCorrupt: loose.corrupt,
      repackedFrom: repacked.from,
      repackedInto: repacked.into,
      repackSkipped: repacked.skipped,
      packsBefore: dir.indexes.size,
      packsAfter: after.indexes.size,
    };
  } finally {
    await release?.();
  }
}

type PackDir = Awaited<ReturnType<typeof listPackDir>>;

/** 1. leftovers of killed commits in packs/ (nothing else writes there while the lock is held) */
async function removeTemps(vault: Vault, temps: Iterable<string>): Promise<string[]> {
  const { fs, db } = vault;
  const removed: string[] = [];
  for (const t of temps) {
    await fs.unlink(joinPath(db.paths.packs, t)).catch((e) => {
      if (!isNotFound(e)) throw fsError(e, 'remove', t);
    });
    removed.push(t);
  }
  return removed;
}

/** 2. packs that lost the race to their index: indexed, or removed when everything in them is stored elsewhere */
async function settleOrphanPacks(opts: GcOptions, dir: PackDir): Promise<GcResult['orphanPacks']> {
  const { db, fs } = opts.vault;
  const paths = db.paths;
  const orphanPacks: GcResult['orphanPacks'][number][] = [];
  for (const name of dir.packs) {
    if (dir.indexes.has(name)) continue;
    const minAge = opts.orphanMinAgeMs ?? 10 * 60e3;
    if (minAge > 0 && Date.now() - (dir.mtimes.get(name) ?? 0) < minAge) {
      orphanPacks.push({ name, action: 'too young', objects: 0 });
      continue;
    }
    const buf = (await fs.readFile(joinPath(paths.packs, `${name}.pack`)).catch((e) => {
      throw fsError(e, 'read', `${name}.pack`);
    })) as Buffer;
    const scan = await scanPack(db, buf, `${name}.pack`);
    if (scan.entries.every((e) => db.contains(e.id))) {
      await removePack(fs, paths, name);
      orphanPacks.push({ name, action: 'removed', objects: scan.entries.length });
    } else {
      await writePackIndex(fs, paths.packs, name, scan.entries);
      orphanPacks.push({ name, action: 'indexed', objects: scan.entries.length });
    }
  }
  if (orphanPacks.some((o) => o.action !== 'too young')) await db.reload();
  return orphanPacks;
}

/**
 * 3. loose objects into a new pack: each is verified, the pack is made durable and indexed, and only then are
 * the loose files removed. Returns the packs it sealed (never repacked in the same run).
 */
async function packLoose(
  opts: GcOptions,
): Promise<{ packed: number; removed: number; corrupt: ObjectId[]; sealed: readonly { name: string }[] }> {
  const { db, fs } = opts.vault;
  const paths = db.paths;
  const loose = await db.listLoose().catch((e) => {
    throw fsError(e, 'list', db.paths.objects);
  });
  const builder = new PackBuilder(fs, paths, db.packSize);
  const toRemove: ObjectId[] = [];
  const corrupt: ObjectId[] = [];
  let done = 0;
  try {
    for (const id of loose) {
      opts.onProgress?.({ phase: 'loose', done: done++, total: loose.length });
      if (db.hasPacked(id)) {
        toRemove.push(id);
        continue;
      }
      try {
        const rec = await db.readLooseRecord(id);
        await verifyRecord(id, rec.type, rec.codec, rec.payload, rec.rawLength, db.looseObjectPath(id), db.codec);
        await builder.add({ id, ...rec });
        toRemove.push(id);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ECORRUPT') throw e;
        corrupt.push(id);
      }
    }
    await builder.finish();
  } catch (e) {
    await builder.abort();
    throw e;
  }
  // the pack holding them is durable and indexed: the loose copies can go
  const fans = new Set<string>();
  for (const id of toRemove) {
    const p = db.looseObjectPath(id);
    await fs.unlink(p).catch((e) => {
      if (!isNotFound(e)) throw fsError(e, 'remove', p);
    });
    fans.add(id.slice(0, 2));
  }
  for (const f of fans) await fs.rmdir(joinPath(paths.objects, f)).catch(() => {}); // only empties go
  if (builder.sealed.length || toRemove.length) await db.reload();
  return { packed: builder.count, removed: toRemove.length, corrupt, sealed: builder.sealed };
}

/**
 * 4. many small packs into few: records are copied (verified, not recompressed) into new packs that are durable
 * and indexed before the old ones are removed (index first, then data). `fresh`: packs step 3 just made.
 */
async function repackSmallPacks(
  opts: GcOptions,
  fresh: readonly { name: string }[],
): Promise<{ from: number; into: number; skipped: string[] }> {
  const { db, fs } = opts.vault;
  const paths = db.paths;
  const skipped: string[] = [];
  const small = opts.smallPackBytes ?? Math.floor(db.packSize / 4);
  const now = await listPackDir(fs, paths);
  const candidates = [...now.indexes].filter(
    (n) => now.packs.has(n) && (now.sizes.get(n) ?? 0) < small && !fresh.some((s) => s.name === n),
  );
  if (candidates.length < (opts.minSmallPacks ?? 8)) return { from: 0, into: 0, skipped };
  const out = new PackBuilder(fs, paths, db.packSize);
  const copied: string[] = [];
  try {
    let i = 0;
    for (const name of candidates) {
      opts.onProgress?.({ phase: 'repack', done: i++, total: candidates.length });
      const entries = await readPackIndex(fs, paths.packs, name);
      const recs = await readVerifiedRecords(db, name, entries, (e) => !out.has(e.id));
      if (!recs) {
        skipped.push(name);
        continue;
      }
      for (const r of recs) await out.add(r);
      copied.push(name);
    }
    await out.finish();
  } catch (e) {
    await out.abort();
    throw e;
  }
  // the copies are durable and indexed: drop the originals
  await db.close();
  for (const name of copied) await removePack(fs, paths, name);
  await db.reload();
  return { from: copied.length, into: out.sealed.length, skipped };
}

export interface AutoGcOptions {
  /** loose objects that trigger a gc (default 256, env VAULT_GC_LOOSE) */
  looseThreshold?: number;
  /** packs that trigger a gc with repacking (default 64, env VAULT_GC_PACKS) */
  packThreshold?: number;
}

/**
 * Called at the end of a commit, with the lock held: gc when loose objects or
 * packs pile up. Never fails the commit (it is already recorded): the result,
 * or the error, is returned.
 */
export async function autoGc(vault: Vault, opts: AutoGcOptions = {}): Promise<GcResult | Error | null> {
  try {
    const loose = opts.looseThreshold ?? Number(process.env.VAULT_GC_LOOSE ?? 256);
    const packs = opts.packThreshold ?? Number(process.env.VAULT_GC_PACKS ?? 64);
    // counted without loading every index entry when the commit looked ids up lean (ObjectDatabase.useLean)
    const counts = await vault.db.storeCounts();
    if (counts.loose < loose && counts.packs < packs) return null;
    return await gc({ vault, lockHeld: true });
  } catch (e) {
    return e as Error;
  }
}
