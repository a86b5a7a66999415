import type { Stats } from 'node:fs';
import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId } from '../../objects/types.js';
import { diskPath } from '../../plumbing/diskPath.js';
import { acquireLock } from '../../plumbing/lock.js';
import { StatCache } from '../../plumbing/statCache.js';
import { flattenTree } from '../../plumbing/trees.js';
import { readHead } from '../../refs/refs.js';
import type { Vault } from '../openVault.js';
import { listRemotes } from '../sync/state.js';
import { LockCache } from './cache.js';
import { loadLockable } from './lockable.js';
import { ownerOf } from './record.js';

export interface ModeResult {
  /** files made read-only */
  readonly readOnly: readonly string[];
  /** files made writable */
  readonly writable: readonly string[];
  /** files whose mode could not be set, and why */
  readonly failed: readonly { path: string; reason: string }[];
}

const NONE: ModeResult = { readOnly: [], writable: [], failed: [] };

/**
 * Make files read-only (no write bit for anyone) or writable (the owner's write bit back), like Git LFS's
 * lockable files. Only regular files reached through real folders are touched: never a symlink, nor
 * anything through one. The stat cache learns the new modes, so the next status or commit does not read
 * these files again (skipped when another command holds the vault: that only costs one re-read).
 */
export async function setWritable(
  vault: Vault,
  files: readonly { path: string; writable: boolean }[],
): Promise<ModeResult> {
  const readOnly: string[] = [];
  const writable: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  const changed = new Map<string, { before: Stats; mode: number }>();
  const dirs = new Map<string, boolean>();
  for (const f of files) {
    const st = await realFile(vault, f.path, dirs);
    if (!st) continue;
    const mode = Number(st.mode) & 0o7777;
    const want = f.writable ? mode | 0o200 : mode & ~0o222;
    if (want === mode) continue;
    try {
      await vault.fs.chmod(diskPath(vault.workTree, f.path), want);
    } catch (e) {
      failed.push({ path: f.path, reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      continue;
    }
    (f.writable ? writable : readOnly).push(f.path);
    changed.set(f.path, { before: st, mode: (Number(st.mode) & ~0o7777) | want });
  }
  if (changed.size) await teachStatCache(vault, changed);
  return { readOnly, writable, failed };
}

/** lstat of a project file when it and every folder on its way are real (no symlink); null otherwise. */
async function realFile(vault: Vault, rel: string, dirs: Map<string, boolean>): Promise<Stats | null> {
  const parts = rel.split('/');
  let dir = '';
  for (const p of parts.slice(0, -1)) {
    dir = dir ? `${dir}/${p}` : p;
    let ok = dirs.get(dir);
    if (ok === undefined) {
      const st = (await vault.fs.lstat(diskPath(vault.workTree, dir)).catch(() => null)) as Stats | null;
      ok = !!st?.isDirectory();
      dirs.set(dir, ok);
    }
    if (!ok) return null;
  }
  const st = (await vault.fs.lstat(diskPath(vault.workTree, rel)).catch(() => null)) as Stats | null;
  return st?.isFile() ? st : null;
}

async function teachStatCache(vault: Vault, changed: Map<string, { before: Stats; mode: number }>): Promise<void> {
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: 'lock-modes',
    clock: vault.clock,
  }).catch(() => null);
  if (!release) return;
  try {
    const cache = await StatCache.load(vault.fs, vault.db.paths.index);
    for (const [path, { before, mode }] of changed) {
      const e = cache.get(path);
      const same =
        e &&
        e.size === Number(before.size) &&
        e.mtimeMs === Number(before.mtimeMs) &&
        e.ino === Number(before.ino) &&
        e.mode === Number(before.mode);
      if (same) cache.set(path, { ...e, mode });
    }
    await cache.save(vault.fs, vault.db.paths.index);
  } finally {
    await release();
  }
}

/** Whether locks are in use in this vault: a `.vaultlockable` with patterns, and a remote to share them on. */
export async function locksInUse(vault: Vault): Promise<boolean> {
  if (!(await loadLockable(vault.fs, vault.workTree)).any) return false;
  return (await listRemotes(vault.fs, vault.vaultDir)).length > 0;
}

export interface ApplyModesOptions {
  vault: Vault;
  /** the snapshot whose files to look at (default HEAD) */
  snapshot?: ObjectId;
  /** only these project-relative paths (files or folders); all when absent */
  paths?: readonly string[];
}

/**
 * After pull, clone and restore: every lockable file of the snapshot (in the working folder) that this
 * vault's author has not locked becomes read-only, and the ones they hold are writable. Does nothing in a
 * vault without `.vaultlockable` patterns or without a remote (nobody to share locks with). Uses the cached
 * lock state: no network.
 */
export async function applyLockModes(opts: ApplyModesOptions): Promise<ModeResult> {
  const { vault } = opts;
  const rules = await loadLockable(vault.fs, vault.workTree);
  if (!rules.any || !(await listRemotes(vault.fs, vault.vaultDir)).length) return NONE;
  const snap = opts.snapshot ?? (await readHead(vault.refs)).id;
  if (!snap) return NONE;
  const tree = decodeSnapshot(await vault.db.readTyped(snap, 'snapshot'), snap).tree;
  const me = ownerOf(vault.author);
  const mine = new Set(
    (await LockCache.load(vault.fs, vault.vaultDir))
      .locks(me)
      .filter((l) => l.mine)
      .map((l) => l.record!.path),
  );
  const under = opts.paths?.map((p) => p.replace(/\/+$/, ''));
  const files: { path: string; writable: boolean }[] = [];
  for (const e of (await flattenTree(vault.db, tree)).values()) {
    if (e.kind !== 'file' && e.kind !== 'exec') continue;
    if (under && !under.some((u) => u === '' || e.path === u || e.path.startsWith(`${u}/`))) continue;
    if (rules.lockable(e.path)) files.push({ path: e.path, writable: mine.has(e.path.normalize('NFC')) });
  }
  return setWritable(vault, files);
}
