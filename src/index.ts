/**
 * Vault's library API: what `import ... from 'vault-vcs'` gives. The CLI and the TUI import the modules
 * themselves (each command loads only what it needs), the same functions this file re-exports. Every
 * operation takes one options object with the injected `fs` (node's, or memfs in tests) and reports through
 * callbacks; nothing here prints.
 */
export * from './errors.js';
export * from './objects/index.js';
export * from './plumbing/chunkers/index.js';
export { ObjectDatabase } from './plumbing/ObjectDatabase.js';
export { ObjectWriter, type WriterStats } from './plumbing/ObjectWriter.js';
export { InlineCodec, WorkerCodec, type Codec } from './plumbing/codec.js';
export { syncFs } from './plumbing/syncFs.js';
export type { FsPromises } from './plumbing/fs.js';
export { revParse } from './refs/revParse.js';
export { flattenTree, lookupPath, readTree, writeTrees, type FlatEntry } from './plumbing/trees.js';
export { readHead, readRef, listRefs, updateRef, readReflog, badRefName } from './refs/refs.js';
export {
  initVault,
  openVault,
  locateVault,
  type Vault,
  type OpenOptions,
  type InitOptions,
} from './porcelain/openVault.js';
export { commit, type CommitOptions, type CommitResult } from './porcelain/commit.js';
export { status, type StatusResult } from './porcelain/status.js';
export { log, refNames, walkHistory, type LogEntry, type LogOptions } from './porcelain/log.js';
export * from './porcelain/merge/index.js';
export {
  listBranches,
  createBranch,
  deleteBranch,
  branchRef,
  type Branch,
  type BranchList,
} from './porcelain/branch.js';
export { switchBranch, type SwitchOptions, type SwitchResult } from './porcelain/switchBranch.js';
export { diff, textPatch, readStoredFile, type DiffSide, type DiffResult } from './porcelain/diff.js';
export { diffFlat, type Change, type TreeDiff } from './porcelain/diffTrees.js';
export { restore, type RestoreOptions, type RestoreResult } from './porcelain/restore.js';
export { ls } from './porcelain/ls.js';
export { verify, type VerifyResult, type Problem } from './porcelain/verify.js';
export { gc, autoGc, type GcOptions, type GcResult } from './porcelain/gc.js';
export { forget, applyPolicy, type ForgetOptions, type ForgetResult, type KeepPolicy } from './porcelain/forget.js';
export { prune, type PruneOptions, type PruneResult } from './porcelain/prune.js';
export { repair, type RepairOptions, type RepairResult } from './porcelain/repair.js';
export { parseDuration } from './porcelain/reachable.js';
export { readSnapshot, type ResolvedSnapshot } from './porcelain/readSnapshot.js';
export type { Progress } from './porcelain/hashWorktree.js';
export {
  IncrementalBackupEngine,
  FileSystemStorageManager,
  FileSystemVersionTracker,
  type EngineOptions,
} from './porcelain/compat.js';
export * from './porcelain/sync/index.js';
export * from './porcelain/locks/index.js';
export { RemoteAuthError, RemoteUnreachableError, RemoteProtocolError } from './plumbing/git/errors.js';
export {
  createMilestone,
  listMilestones,
  deleteMilestone,
  annotationTarget,
  MILESTONE_TYPES,
  type Milestone,
  type MilestoneType,
} from './personas/game/milestones.js';
export {
  openTimeline,
  snapshotChanges,
  changeCounts,
  worktreeEntry,
  type TimelinePager,
  type SnapshotChanges,
  type ChangeCounts,
  type TreeCache,
} from './porcelain/timeline.js';
export {
  BackupEngine,
  GameVersionType,
  recordBuild,
  listBuilds,
  resolveBuild,
  addFeedback,
  importFeedback,
  listFeedback,
  feedbackReport,
  bundles,
  bundlesDiff,
  bundlesWhich,
  savePlaytest,
  listPlaytests,
  restorePlaytest,
  resolvePlatform,
  platformMatrix,
  platformDiff,
  GAME_CONFIG_PATH,
  type Build,
  type Feedback,
  type FeedbackReport,
  type BundlesReport,
  type BundlesDiff,
  type Session,
  type ResolvedPlatform,
  type PlatformMatrix,
  type PlatformDiff,
  type GameBackup,
  type CreateBackupOptions,
} from './personas/game/index.js';
export * from './personas/creative/index.js';
export {
  runAttachments,
  readAttachments,
  readAttachment,
  readAttachedFile,
  type CommitAttachment,
  type AttachmentContext,
  type AttachedFile,
  type AttachmentWarning,
} from './porcelain/attachments.js';
export { setConfigExtra, personaOf, PERSONAS, type Persona } from './porcelain/settings.js';
export { diffTreeIds } from './porcelain/diffTrees.js';
