import { UncommittedChangesError, UnsafePathError } from '../errors.js';
import { acquireLock } from '../plumbing/lock.js';
import { StatCache } from '../plumbing/statCache.js';
import type { FlatEntry } from '../plumbing/trees.js';
import type { ObjectId } from '../objects/types.js';
import type { Progress } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';
import {
  FULL_FOLDING,
  NO_FOLDING,
  dirtyConflicts,
  mayCollide,
  planRestore,
  selectEntries,
  type NameFolding,
  type NotRestored,
  type PresentEntry,
  type RestoreFailure,
} from './restorePlan.js';
import { probeNameFolding, storeInTarget } from './restoreTarget.js';
import { writePlan } from './restoreWriter.js';
import { status } from './status.js';

export type { NameFolding, NotRestored, RestoreFailure } from './restorePlan.js';

export interface RestoreOptions {
  vault: Vault;
  /** snapshot name: id, prefix, ref, HEAD~N */
  snapshot: string;
  /** restore only these paths (files or folders, relative to the project root); all when empty */
  paths?: readonly string[];
  /** target folder; the project folder when absent */
  to?: string;
  /** overwrite uncommitted changes in the project folder */
  force?: boolean;
  onProgress?: (p: Progress) => void;
  /** an entry that was not restored (unsafe name, symlink in the way, ...) */
  onSkip?: (path: string, reason: string) => void;
  /** files restored in parallel */
  concurrency?: number;
}

export interface RestoreResult {
  readonly snapshot: ObjectId;
  readonly target: string;
  readonly files: number;
  readonly bytes: number;
  /** files already identical in the target, left alone */
  readonly unchanged: number;
  /** entries not restored because of where they would go (unsafe name, symlink in the way, name collision) */
  readonly skipped: readonly NotRestored[];
  /** entries not restored because their objects are damaged or missing; everything else was restored */
  readonly failures: readonly RestoreFailure[];
}

function normalizeAbs(p: string): string {
  return p.replace(/\/+$/, '').replace(/\/+/g, '/') || '/';
}

/** Normalise a user path to a project-relative posix path; '' is the root. */
export function normalizeRel(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) throw new UnsafePathError(p, 'leaves the project folder');
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * Write a snapshot (or some of its paths) into a folder. Never writes outside
 * the target: every name is checked again (no '..', separators, NUL or .vault),
 * no folder on the way may be a symlink, the target may not be (or write into)
 * the vault store, and names the target folder cannot tell apart are refused.
 * Files are written to a temp name and renamed into place, so a killed restore
 * leaves whole files only. A file whose objects are damaged is named in
 * `failures` and everything intact is still restored.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const { vault } = opts;
  const { fs, db } = vault;
  const snap = await readSnapshot(vault, opts.snapshot);
  const selection = await selectEntries(db, snap.tree, (opts.paths ?? []).map(normalizeRel), snap.id);
  // --to the project folder itself is an in-place restore: same checks
  const inPlace = opts.to === undefined || normalizeAbs(opts.to) === normalizeAbs(vault.workTree);
  const target = opts.to ?? vault.workTree;
  const store = await storeInTarget(fs, target, vault.vaultDir);
  const release = inPlace
    ? await acquireLock({ fs, path: db.paths.lock, command: 'restore', clock: vault.clock })
    : null;
  try {
    const cache = inPlace ? await StatCache.load(fs, db.paths.index) : undefined;
    const present = inPlace ? await presentEntries(vault, selection.entries.values(), opts.force) : undefined;
    await fs.mkdir(target, { recursive: true });
    const plan = planRestore({
      entries: selection.entries.values(),
      folding: await targetFolding(vault, target, selection.entries),
      present,
      store,
      where: { target, vaultDir: vault.vaultDir },
    });
    // the plan holds its own entries: the selection's are garbage from here (~100 bytes a file)
    selection.entries.clear();
    for (const r of plan.refused) opts.onSkip?.(r.path, r.reason);
    const tally = await writePlan(plan, {
      vault,
      target,
      cache,
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
      onSkip: opts.onSkip,
    });
    if (cache) await cache.save(fs, db.paths.index);
    return {
      snapshot: snap.id,
      target,
      files: tally.files,
      bytes: tally.bytes,
      unchanged: tally.unchanged,
      skipped: [...plan.refused, ...tally.skipped],
      failures: [...selection.failures, ...tally.failures],
    };
  } finally {
    await release?.();
  }
}

/** In place: what the project folder holds now; EDIRTY when the restore would overwrite uncommitted work. */
async function presentEntries(
  vault: Vault,
  entries: Iterable<FlatEntry>,
  force: boolean | undefined,
): Promise<Map<string, PresentEntry>> {
  const st = await status({ vault });
  const present = new Map<string, PresentEntry>();
  for (const e of st.worktree) if (e.id) present.set(e.path, { id: e.id, kind: e.kind });
  if (!force) {
    const dirty = new Set([...st.added, ...st.modified].map((c) => c.path));
    const conflicts = dirtyConflicts(entries, dirty, present);
    if (conflicts.length) throw new UncommittedChangesError(conflicts);
  }
  return present;
}

/** How the target compares names; probed only when some names could collide (most restores touch nothing). */
async function targetFolding(
  vault: Vault,
  target: string,
  entries: ReadonlyMap<string, FlatEntry>,
): Promise<NameFolding> {
  if (!mayCollide(entries, FULL_FOLDING)) return NO_FOLDING;
  return probeNameFolding(vault.fs, target);
}
