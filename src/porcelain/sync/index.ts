export { push, type PushOptions, type PushResult } from './push.js';
export { fetch, pull, type FetchOptions, type FetchResult, type PullOptions, type PullResult } from './fetch.js';
export { importCommits, type ImportCommitsOptions } from './importCommits.js';
export { ImportError } from './foreign.js';
export { readShallow, ShallowHistoryError, ShallowForeignError } from './shallow.js';
export { PushRejectedError, type RejectedRef, type RejectedWhy } from './rejected.js';
export type { LeaseSpec } from './planPush.js';
export { clone, type CloneOptions, type CloneResult } from './clone.js';
export {
  addRemote,
  removeRemote,
  listRemotes,
  getRemote,
  NoSuchRemoteError,
  SyncState,
  type RemoteConfig,
} from './state.js';
export { DivergedError, BrokenRemoteHistoryError, gitRefOf, vaultRefOf, type SyncProgress } from './common.js';
export { checkExpansion, syncLimits, type Expansion, type SyncLimits } from './limits.js';
export {
  exportSnapshot,
  encodeManifest,
  decodeManifest,
  type ExportedSnapshot,
  type GitRecipe,
} from './exportSnapshot.js';
