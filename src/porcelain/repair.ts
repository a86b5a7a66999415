import { fsError } from '../errors.js';
import type { ObjectId } from '../objects/types.js';
import { isNotFound, joinPath } from '../plumbing/fs.js';
import { acquireLock } from '../plumbing/lock.js';
import {
  listPackDir,
  readPackIndex,
  readVerifiedRecord,
  scanPack,
  writePackIndex,
  type PackEntry,
} from '../plumbing/pack/index.js';
import type { Vault } from './openVault.js';
import { verify, type Problem } from './verify.js';

export interface RepairOptions {
  vault: Vault;
  lockWait?: number;
  /** after repairing, re-read all content (verify --read-data) for the report */
  readData?: boolean;
  onProgress?: (p: { phase: 'packs' | 'loose' | 'verify'; done: number; total: number }) => void;
}

export interface RepairedPack {
  readonly name: string;
  /** why it was re-indexed: index missing, unreadable, or records that failed verification */
  readonly reason: string;
  /** records the new index lists */
  readonly objects: number;
  /** ids the old index listed that the pack no longer yields */
  readonly lostIds: ObjectId[];
  /** bytes of the pack that could not be read as records */
  readonly badBytes: number;
}

export interface RepairResult {
  readonly packs: RepairedPack[];
  /** indexes whose pack file is gone: moved to .vault/lost/ */
  readonly indexesWithoutPack: { name: string; lostIds: ObjectId[] }[];
  /** loose objects that failed verification: moved to .vault/lost/ */
  readonly looseQuarantined: ObjectId[];
  /** every object id known to be lost and not stored anywhere else */
  readonly lost: ObjectId[];
  /** the stat cache was removed so the next commit re-reads every file and stores again what the folder still has */
  readonly statCacheReset: boolean;
  /** what verify reports after the repair: damaged snapshots and paths */
  readonly problems: Problem[];
}

async function quarantine(vault: Vault, from: string, name: string): Promise<void> {
  const dir = joinPath(vault.vaultDir, 'lost');
  await vault.fs.mkdir(dir, { recursive: true });
  await vault.fs.rename(from, joinPath(dir, name)).catch((e) => {
    if (!isNotFound(e)) throw fsError(e, 'move', from);
  });
}

/**
 * Make the store consistent again and say exactly what was lost:
 *  - every pack is read record by record; a pack whose index is missing or
 *    unreadable, or whose records fail verification, gets a new index built
 *    from the records that decode and hash correctly (the pack file itself is
 *    left as it is);
 *  - an index whose pack is gone, and loose objects that fail verification,
 *    are moved to .vault/lost/;
 *  - when anything was lost the stat cache is removed, so the next commit
 *    re-reads the folder and stores again whatever content it still has;
 *  - finally verify runs and names the snapshots and paths still damaged.
 */
/** How many of the records an index names fail verification, read one by one as a reader would. */
async function countBadRecords(
  vault: Vault,
  packPath: string,
  name: string,
  entries: readonly PackEntry[],
): Promise<number> {
  const { db, fs } = vault;
  const fh = await fs.open(packPath, 'r').catch((e) => {
    throw fsError(e, 'open', packPath);
  });
  let bad = 0;
  try {
    for (const e of entries) {
      try {
        await readVerifiedRecord(fh, e, `${name}.pack`, db.codec);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ECORRUPT') throw err;
        bad++;
      }
    }
  } finally {
    await fh.close().catch(() => {});
  }
  return bad;
}

export async function repair(opts: RepairOptions): Promise<RepairResult> {
  const { vault } = opts;
  const { db, fs } = vault;
  const paths = db.paths;
  const release = await acquireLock({
    fs,
    path: paths.lock,
    command: 'repair',
    wait: opts.lockWait,
    clock: vault.clock,
  });
  try {
    const dir = await listPackDir(fs, paths);
    const packs: RepairedPack[] = [];
    const indexesWithoutPack: RepairResult['indexesWithoutPack'] = [];
    const maybeLost = new Set<ObjectId>();
    await db.close();

    const names = [...new Set([...dir.packs, ...dir.indexes])].sort();
    let i = 0;
    for (const name of names) {
      opts.onProgress?.({ phase: 'packs', done: i++, total: names.length });
      let old: PackEntry[] | null = null;
      let reason = '';
      if (dir.indexes.has(name)) {
        try {
          old = await readPackIndex(fs, paths.packs, name);
        } catch (e) {
          if ((e as { code?: string }).code !== 'EMALFORMED') throw e;
          reason = `index unreadable (${(e as Error).message})`;
        }
      } else reason = 'index missing';
      if (!dir.packs.has(name)) {
        const lostIds = old?.map((e) => e.id) ?? [];
        for (const id of lostIds) maybeLost.add(id);
        await quarantine(vault, joinPath(paths.packs, `${name}.idx`), `${name}.idx`);
        indexesWithoutPack.push({ name, lostIds });
        continue;
      }
      const packPath = joinPath(paths.packs, `${name}.pack`);
      if (old) {
        // check every record the index names
        const bad = await countBadRecords(vault, packPath, name, old);
        if (!bad) continue;
        reason = `${bad} record(s) failed verification`;
      }
      const buf = (await fs.readFile(packPath).catch((e) => {
        throw fsError(e, 'read', packPath);
      })) as Buffer;
      const scan = await scanPack(db, buf, `${name}.pack`);
      const got = new Set(scan.entries.map((e) => e.id));
      const lostIds = (old ?? []).map((e) => e.id).filter((id) => !got.has(id));
      for (const id of lostIds) maybeLost.add(id);
      await writePackIndex(fs, paths.packs, name, scan.entries);
      packs.push({
        name,
        reason,
        objects: scan.entries.length,
        lostIds,
        badBytes: scan.bad.reduce((s, b) => s + b.length, 0),
      });
    }

    // loose objects
    await db.reload();
    const looseQuarantined: ObjectId[] = [];
    const loose = await db.listLoose().catch((e) => {
      throw fsError(e, 'list', db.paths.objects);
    });
    i = 0;
    for (const id of loose) {
      opts.onProgress?.({ phase: 'loose', done: i++, total: loose.length });
      if (db.hasPacked(id)) {
        // a packed copy is read first anyway; a bad loose duplicate only matters once that is gone
        continue;
      }
      try {
        await db.read(id);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ECORRUPT') throw e;
        await quarantine(vault, db.looseObjectPath(id), id);
        looseQuarantined.push(id);
        maybeLost.add(id);
      }
    }
    await db.reload();
    const lost = [...maybeLost].filter((id) => !db.contains(id)).sort();
    let statCacheReset = false;
    if (lost.length || packs.length) {
      await fs.unlink(paths.index).then(
        () => (statCacheReset = true),
        (e) => {
          if (!isNotFound(e)) throw fsError(e, 'remove', paths.index);
        },
      );
    }
    opts.onProgress?.({ phase: 'verify', done: 0, total: 1 });
    const v = await verify({ vault, readData: opts.readData });
    return { packs, indexesWithoutPack, looseQuarantined, lost, statCacheReset, problems: v.problems };
  } finally {
    await release();
  }
}
