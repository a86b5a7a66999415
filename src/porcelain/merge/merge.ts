import { VaultError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { flattenTree, type FlatEntry } from '../../plumbing/trees.js';
import { readHead, updateRef } from '../../refs/refs.js';
import type { AttachmentWarning, CommitAttachment } from '../attachments.js';
import type { CommitOptions, CommitResult } from '../commit.js';
import { diffFlat } from '../diffTrees.js';
import type { Progress } from '../hashWorktree.js';
import type { Vault } from '../openVault.js';
import { ShallowMergeError, shallowSnapshots } from '../sync/shallow.js';
import { readSnapshot } from '../readSnapshot.js';
import { status } from '../status.js';
import { commitMerge } from './commitMerge.js';
import { DirtyFolderError, MergeInProgressError, UnrelatedHistoriesError } from './errors.js';
import { layout } from './layout.js';
import { SnapshotReader, mergeBases } from './mergeBase.js';
import { mergeContents, type ContentOutcome, type FileMerger } from './mergeContent.js';
import { mergeTrees, type TreeMerge } from './mergeTrees.js';
import { readMergeState, writeMergeState, type MergeConflict, type MergeState } from './state.js';
import { virtualBase } from './virtualBase.js';
import { inTheWay, updateWorktree, type Listing, type NotDone } from './worktree.js';

export interface MergeOptions {
  vault: Vault;
  /** what to merge into HEAD: a branch, tag, id or any snapshot name (`vault pull` passes the fetched id) */
  theirs: string;
  /** its name in messages and conflict markers (default: `theirs` as given) */
  theirsName?: string;
  /** the merge snapshot's message (default: "merge THEIRS into BRANCH") */
  message?: string;
  /** a persona's merger for files both sides changed (element-aware PSD, glTF...): tried before text */
  mergeFile?: FileMerger;
  /** git's --ff (default: move the branch when HEAD is behind), --no-ff (always a merge snapshot), --ff-only */
  fastForward?: 'auto' | 'never' | 'only';
  /** merge histories that share no snapshot, as if both started from an empty folder */
  allowUnrelated?: boolean;
  /** what commit keeps with the merge snapshot (thumbnails, references): see CommitOptions */
  attachments?: readonly CommitAttachment[];
  onWarning?: (w: AttachmentWarning) => void;
  onSkip?: CommitOptions['onSkip'];
  onProgress?: (p: Progress) => void;
}

/**
 * up-to-date: theirs is in HEAD's history already; fast-forward: the branch moved to theirs;
 * merged: a merge snapshot was recorded; conflicts: the folder holds the merge, conflicts wait for
 * `resolve` and `commit`; stopped: some paths could not be written (see notDone), nothing recorded.
 */
export type MergeOutcome = 'up-to-date' | 'fast-forward' | 'merged' | 'conflicts' | 'stopped';

/** A path the merge changed in the folder, and how. */
export interface MergedPath {
  readonly path: string;
  /**
   * theirs: their version taken; deleted: they deleted it; renamed: they renamed it (from); text / file-merger: both
   * changes merged
   */
  readonly how: 'theirs' | 'deleted' | 'renamed' | 'text' | 'file-merger';
  readonly from?: string;
  readonly report?: readonly string[];
}

export interface MergeResult {
  readonly outcome: MergeOutcome;
  readonly ours: ObjectId | null;
  readonly theirs: ObjectId;
  /** the best common ancestors (more than one after criss-cross merges: they were merged into a virtual base) */
  readonly bases: readonly ObjectId[];
  /** the new HEAD (the merge snapshot, or theirs after a fast-forward); null when nothing moved */
  readonly id: ObjectId | null;
  readonly merged: readonly MergedPath[];
  readonly conflicts: readonly MergeConflict[];
  readonly notes: readonly string[];
  readonly notDone: readonly NotDone[];
  /** the merge snapshot's commit (files, bytes, attachments, skipped), when one was made */
  readonly commit: CommitResult | null;
}

async function listing(vault: Vault, id: ObjectId | null): Promise<Map<string, FlatEntry>> {
  if (!id) return new Map();
  return flattenTree(vault.db, (await readSnapshot(vault, id)).tree);
}

/** Vault has no staging area: a merge commits the folder, so it starts from a clean one. */
async function requireClean(vault: Vault, what: string): Promise<void> {
  const st = await status({ vault });
  if (st.clean) return;
  const paths = [...st.added, ...st.modified, ...st.deleted, ...st.renamed].map((c) => c.path).sort();
  throw new DirtyFolderError(what, paths);
}

/**
 * Merge another line of history into HEAD (git's merge): nothing to do when it is already in
 * HEAD's history; a fast-forward when HEAD is behind; else a three-way merge against the merge
 * base, written into the folder, and a merge snapshot with both parents when nothing conflicts.
 * With conflicts the merge waits (see state.ts): `resolve`, then `commitMerge`, or `abortMerge`.
 * The folder must be clean: the merge snapshot is made from it.
 */
export async function merge(opts: MergeOptions): Promise<MergeResult> {
  const { vault } = opts;
  const pending = await readMergeState(vault);
  if (pending) throw new MergeInProgressError(pending.theirsName, 'merge');
  const head = await readHead(vault.refs);
  const theirs = (await readSnapshot(vault, opts.theirs)).id;
  const reader = new SnapshotReader(vault.db, await shallowSnapshots(vault.fs, vault.vaultDir));
  const bases = head.id ? await mergeBases(reader, head.id, theirs) : [];
  // a shallow clone: the common ancestor may be older than what was fetched
  if (head.id && !bases.length && reader.metBoundary) throw new ShallowMergeError(reader.metBoundary);
  const none = { merged: [], conflicts: [], notes: [], notDone: [], commit: null };
  if (head.id && bases.includes(theirs))
    return { outcome: 'up-to-date', ours: head.id, theirs, bases, id: null, ...none };
  const ff = !head.id || bases.includes(head.id);
  if (opts.fastForward === 'only' && !ff)
    throw new VaultError(
      'EDIVERGED',
      `cannot fast-forward to ${opts.theirsName ?? opts.theirs}: the histories diverged`,
      { ours: head.id, theirs },
      'merge without --ff-only',
    );
  await requireClean(vault, 'merge');
  if (ff && opts.fastForward !== 'never') return fastForward(opts, head, theirs, bases);
  if (!bases.length && !opts.allowUnrelated) throw new UnrelatedHistoriesError(head.id ?? '', theirs);
  return threeWay(opts, { ref: head.ref, id: head.id! }, theirs, bases, reader);
}

async function fastForward(
  opts: MergeOptions,
  head: { ref: string | null; id: ObjectId | null },
  theirs: ObjectId,
  bases: readonly ObjectId[],
): Promise<MergeResult> {
  const { vault } = opts;
  const [from, to] = [await listing(vault, head.id), await listing(vault, theirs)];
  const blocking = await inTheWay(vault, from, to);
  if (blocking.length) throw new DirtyFolderError('merge', blocking);
  const w = await updateWorktree({ vault, from, to, onProgress: opts.onProgress });
  const base = { ours: head.id, theirs, bases, conflicts: [], notes: [], notDone: w.notDone, commit: null };
  const merged = mergedPaths(from, to, []);
  if (w.notDone.length) return { outcome: 'stopped', id: null, merged, ...base };
  await updateRef({
    ...vault.refs,
    ref: head.ref ?? 'HEAD',
    value: theirs,
    expected: head.id,
    message: `merge ${opts.theirsName ?? opts.theirs}: fast-forward`,
    author: vault.author,
    time: vault.clock(),
  });
  return { outcome: 'fast-forward', id: theirs, merged, ...base };
}

interface Planned {
  readonly tree: TreeMerge;
  readonly contents: readonly ContentOutcome[];
  readonly result: Map<string, FlatEntry>;
  readonly conflicts: MergeConflict[];
}

async function plan(
  opts: MergeOptions,
  lists: { base: Listing; ours: Listing; theirs: Listing },
  labels: { ours: string; theirs: string },
): Promise<Planned> {
  const { vault } = opts;
  const tree = mergeTrees(lists);
  const writer = vault.db.writer();
  let contents: ContentOutcome[];
  try {
    contents = await mergeContents({ vault, merges: tree.contents, sink: writer, mergeFile: opts.mergeFile, labels });
    await writer.flush();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const laid = await layout({ vault, merge: tree, contents, ours: lists.ours, theirs: lists.theirs });
  return { tree, contents, ...laid };
}

async function threeWay(
  opts: MergeOptions,
  head: { ref: string | null; id: ObjectId },
  theirs: ObjectId,
  bases: readonly ObjectId[],
  reader: SnapshotReader,
): Promise<MergeResult> {
  const { vault } = opts;
  const oursName = head.ref?.replace(/^refs\/heads\//, '') ?? 'HEAD';
  const theirsName = opts.theirsName ?? opts.theirs;
  const ours = await listing(vault, head.id);
  const base = await virtualBase({ vault, reader, bases });
  const p = await plan(
    opts,
    { base: base.listing, ours, theirs: await listing(vault, theirs) },
    { ours: oursName, theirs: theirsName },
  );
  const blocking = await inTheWay(vault, ours, p.result);
  if (blocking.length) throw new DirtyFolderError('merge', blocking);
  const state: MergeState = {
    version: 1,
    ours: head.id,
    theirs,
    oursName,
    theirsName,
    bases,
    message: opts.message ?? `merge ${theirsName} into ${oursName}`,
    conflicts: p.conflicts,
    created: [...p.result.keys()].filter((k) => !ours.has(k)).sort(),
    changed: [...ours.keys()].filter((k) => !sameEntry(ours.get(k), p.result.get(k))).sort(),
  };
  // written before the folder is touched: whatever happens next, --abort knows what to undo
  await writeMergeState(vault, state);
  const w = await updateWorktree({ vault, from: ours, to: p.result, onProgress: opts.onProgress });
  const merged = mergedPaths(ours, p.result, p.contents, p.conflicts);
  const notes = [...base.notes, ...p.tree.notes];
  const out = { ours: head.id, theirs, bases, merged, conflicts: p.conflicts, notes, notDone: w.notDone };
  if (w.notDone.length) return { outcome: 'stopped', id: null, commit: null, ...out };
  if (p.conflicts.length) return { outcome: 'conflicts', id: null, commit: null, ...out };
  const { attachments, onWarning, onSkip, onProgress } = opts;
  const c = await commitMerge({ vault, attachments, onWarning, onSkip, onProgress });
  return { outcome: 'merged', id: c.id, commit: c, ...out };
}

const sameEntry = (a: FlatEntry | undefined, b: FlatEntry | undefined) =>
  !!a && !!b && a.kind === b.kind && (a.kind === 'dir' || a.id === b.id);

/** What the merge changed in the folder, except conflicts (listed on their own). */
function mergedPaths(
  ours: Listing,
  result: Listing,
  contents: readonly ContentOutcome[],
  conflicts: readonly MergeConflict[] = [],
): MergedPath[] {
  const skip = new Set<string>();
  for (const c of conflicts) for (const p of [c.path, c.theirsCopy, c.oursCopy]) if (p) skip.add(p);
  const merged = new Map(contents.filter((c) => c.clean).map((c) => [c.merge.path, c]));
  const d = diffFlat(ours, result);
  const out: MergedPath[] = [];
  for (const c of [...d.added, ...d.modified]) {
    if (skip.has(c.path)) continue;
    const m = merged.get(c.path);
    if (m) out.push({ path: c.path, how: m.how === 'text' ? 'text' : 'file-merger', report: m.report });
    else out.push({ path: c.path, how: 'theirs' });
  }
  for (const c of d.renamed) if (!skip.has(c.path)) out.push({ path: c.path, how: 'renamed', from: c.from });
  for (const c of d.deleted) if (!skip.has(c.path)) out.push({ path: c.path, how: 'deleted' });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
