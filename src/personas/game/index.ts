/**
 * The game persona's library API (milestones are exported from src/index.ts
 * directly). Nouns: Build (a version+platform made from a snapshot, with
 * artifacts), Feedback (a tester's rating, tags and text on a build), Session
 * (a playtest's recordings and files), Bundle (a declared set of assets),
 * Platform config (base + per-platform override). Records live under
 * refs/notes/game/* (see records.ts); declarations in vault-game.yaml.
 */
export {
  recordBuild,
  listBuilds,
  resolveBuild,
  pickBuild,
  type Build,
  type BuildRecord,
  type RecordBuildOptions,
  type RecordedBuild,
} from './builds.js';
export {
  addFeedback,
  importFeedback,
  listFeedback,
  parseFeedbackFile,
  BadFeedbackError,
  type Feedback,
  type FeedbackInput,
  type ImportResult,
  type ImportProblem,
} from './feedback.js';
export {
  feedbackReport,
  buildStats,
  type FeedbackReport,
  type BuildStats,
  type Regression,
  type ChangeGroup,
  type ChangedFile,
} from './feedbackReport.js';
export {
  bundles,
  bundlesDiff,
  bundlesWhich,
  bundleMatcher,
  contentHash,
  type BundlesReport,
  type BundleStats,
  type BundlesDiff,
  type BundleDelta,
  type WhichResult,
} from './bundles.js';
export {
  savePlaytest,
  listPlaytests,
  findSession,
  restorePlaytest,
  type Session,
  type SessionRecord,
  type RestorePlaytestResult,
} from './playtests.js';
export {
  resolvePlatform,
  platformMatrix,
  platformDiff,
  mergeConfig,
  flattenConfig,
  parseConfigText,
  type ResolvedPlatform,
  type PlatformMatrix,
  type PlatformDiff,
  type ConfigProblem,
} from './platforms.js';
export { GAME_CONFIG_PATH, parseGameConfig, type GameConfig } from './projectConfig.js';
export { changeRows, sidecarOf, type ChangeRow } from './changeRows.js';
export { buildMarks, type BuildMark } from './buildMarks.js';
export { setupEngineIgnores, detectEngine, type Engine, type IgnoreSetup } from './engineIgnores.js';
export { RECORD_KINDS, recordRef, readRecords, type RecordKind } from './records.js';
export {
  BackupEngine,
  GameVersionType,
  type CreateBackupOptions,
  type GameBackup,
  type BackupEngineOptions,
} from './backupEngine.js';
export {
  UnknownBuildError,
  AmbiguousBuildError,
  UnknownSessionError,
  GameConfigError,
  MissingGameConfigError,
  UnknownPlatformError,
} from './errors.js';
