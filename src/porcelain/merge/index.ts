/**
 * Merging lines of history (git's merge, for snapshots of a project folder).
 *
 * Vocabulary:
 * - **merge base** (`mergeBase.ts`): the best common ancestor(s) of two snapshots; after criss-cross
 *   merges several, merged into a **virtual base** (`virtualBase.ts`).
 * - **tree merge** (`mergeTrees.ts`, pure): path by path against the base, renames followed.
 * - **content merge** (`mergeContent.ts`): files both sides changed: a **file merger** hook (a persona's
 *   element-aware merge) first, then text (`mergeText.ts`, diff3 with git-style markers).
 * - **layout** (`layout.ts`): where conflicts go in the folder (markers, `NAME~theirs.EXT` copies).
 * - **merge state** (`state.ts`): `.vault/MERGE_HEAD` and `.vault/MERGE_STATE` while conflicts wait.
 * - `merge` -> `resolve` (per conflict) -> `commitMerge`, or `abortMerge`.
 */
export { merge, type MergeOptions, type MergeResult, type MergeOutcome, type MergedPath } from './merge.js';
export { commitMerge, type CommitMergeOptions } from './commitMerge.js';
export { resolve, resolve as resolveConflict, type ResolveOptions, type ResolveResult } from './resolve.js';
export { abortMerge, type AbortMergeOptions, type AbortMergeResult } from './abortMerge.js';
export {
  readMergeState,
  unresolved,
  type MergeState,
  type MergeConflict as PathConflict,
  type Resolution,
} from './state.js';
export { mergeBases, isAncestor, SnapshotReader } from './mergeBase.js';
export { mergeTrees, type TreeMerge, type TreeConflict, type ConflictKind, type ContentMerge } from './mergeTrees.js';
export { mergeText, looksLikeText, hasConflictMarkers, type TextMergeLabels } from './mergeText.js';
export type { FileMerger, FileMergeInput, FileMergeOutput } from './mergeContent.js';
export { copyName } from './layout.js';
export type { NotDone } from './worktree.js';
export * from './errors.js';
