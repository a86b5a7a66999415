import { UncommittedChangesError, UnsafePathError } from '../errors.js';
import { acquireLock } from '../plumbing/lock.js';
import { StatCache } from '../plumbing/statCache.js';
import type { ObjectId } from '../objects/types.js';
import type { Progress } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';
import {
  FULL_FOLDING,
  NO_FOLDING,
  dirtyConflicts,
  mayCollide,
  planFolders,
  type FolderPlan,
  type NameFolding,
  type NotRestored,
  type PresentEntry,
  type RestoreFailure,
} from './restorePlan.js';
import { probeNameFolding, storeInTarget } from './restoreTarget.js';
import { writePlans } from './restoreWriter.js';
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
  const paths = (opts.paths ?? []).map(normalizeRel);
  // --to the project folder itself is an in-place restore: same checks
  const inPlace = opts.to === undefined || normalizeAbs(opts.to) === normalizeAbs(vault.workTree);
  const target = opts.to ?? vault.workTree;
  const store = await storeInTarget(fs, target, vault.vaultDir);
  const release = inPlace
    ? await acquireLock({ fs, path: db.paths.lock, command: 'restore', clock: vault.clock })
    : null;
  try {
    const cache = inPlace ? await StatCache.load(fs, db.paths.index) : undefined;
    const now = inPlace ? await worktreeNow(vault) : undefined;
    const where = { target, vaultDir: vault.vaultDir };
    // the snapshot is walked twice, a folder at a time: once to count, check and refuse, once to write
    const plans = (folding: NameFolding, failures: RestoreFailure[] = []) =>
      planFolders(db, snap.tree, paths, snap.id, { folding, present: now?.present, store, where }, failures);
    let survey = await surveyPlans(plans(NO_FOLDING), now);
    if (!opts.force && survey.conflicts.length) throw new UncommittedChangesError(survey.conflicts.sort());
    await fs.mkdir(target, { recursive: true });
    // how the target compares names is probed only when some names could collide (most restores touch nothing)
    let folding = NO_FOLDING;
    if (survey.mayCollide) {
      folding = await probeNameFolding(fs, target);
      if (folding.case || folding.unicode) survey = await surveyPlans(plans(folding), undefined);
    }
    for (const r of survey.refused) opts.onSkip?.(r.path, r.reason);
    const failures: RestoreFailure[] = [];
    const tally = await writePlans(plans(folding, failures), survey, {
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
      skipped: [...survey.refused, ...tally.skipped],
      failures: [...failures, ...tally.failures],
    };
  } finally {
    await release?.();
  }
}

/** In place: what the project folder holds now, and which of its paths hold uncommitted changes. */
interface WorktreeNow {
  readonly present: Map<string, PresentEntry>;
  readonly dirty: Set<string>;
}

async function worktreeNow(vault: Vault): Promise<WorktreeNow> {
  const st = await status({ vault });
  const present = new Map<string, PresentEntry>();
  for (const e of st.worktree) if (e.id) present.set(e.path, { id: e.id, kind: e.kind });
  return { present, dirty: new Set([...st.added, ...st.modified].map((c) => c.path)) };
}

/** What the first walk learns: the totals (for progress), what is refused, what would overwrite uncommitted work. */
interface Survey {
  readonly filesTotal: number;
  readonly bytesTotal: number;
  readonly refused: readonly NotRestored[];
  /** in place: paths with uncommitted changes that the restore would overwrite (EDIRTY) */
  readonly conflicts: string[];
  /** some folder holds names that a target folding case or Unicode could not tell apart */
  readonly mayCollide: boolean;
}

/** Walk the plans keeping only totals and refusals; throws what planning throws (ETARGETINVAULT, ENOTFOUND). */
async function surveyPlans(plans: AsyncIterable<FolderPlan>, now: WorktreeNow | undefined): Promise<Survey> {
  let filesTotal = 0;
  let bytesTotal = 0;
  let collide = false;
  const refused: NotRestored[] = [];
  const conflicts: string[] = [];
  for await (const { entries, plan } of plans) {
    filesTotal += plan.filesTotal;
    bytesTotal += plan.bytesTotal;
    for (const r of plan.refused) refused.push(r);
    if (now) for (const c of dirtyConflicts(entries, now.dirty, now.present)) conflicts.push(c);
    collide ||= mayCollide(new Set(entries.map((e) => e.path)), FULL_FOLDING);
  }
  refused.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { filesTotal, bytesTotal, refused, conflicts, mayCollide: collide };
}
