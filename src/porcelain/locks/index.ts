/**
 * Locks: one person at a time on files nobody can merge, on any git smart-HTTP remote, with no extra server.
 *
 * - **Lock**: a ref on the remote, `refs/vault/locks/<SHA-256 of the path>`, naming a small git commit whose
 *   tree holds `lock.json` (path, owner, host, time, message). Taken with a receive-pack "create" (old value =
 *   the zero id), which git refuses when the ref exists: of two people locking at once, exactly one wins.
 *   Released by deleting the ref with old value = the lock seen. Outside refs/heads and refs/tags, so a
 *   plain `git clone` of the branch never sees it. (`record.ts`, `lock.ts`, `unlock.ts`)
 * - **Break**: `vault unlock --force` on someone else's lock deletes it and creates
 *   `refs/vault/lock-breaks/<lock commit>` (a commit whose parent is the lock, holding `break.json`: who broke
 *   it and when); the owner is told on their next fetch. (`unlock.ts`, `refresh.ts`)
 * - **Lockable**: `.vaultlockable` (gitignore syntax): such files are read-only on disk unless you hold their
 *   lock (`modes.ts`), and status, commit (`notes.ts`) and push (`pushLocks.ts`) speak up about them.
 * - **Cache**: `.vault/locks.json`, the lock state as last seen, so status, commit and an offline
 *   `vault locks` need no network. (`cache.ts`)
 */
export { lock, type LockOptions, type LockResult } from './lock.js';
export { unlock, type UnlockOptions, type UnlockResult } from './unlock.js';
export {
  listLocks,
  refreshLocks,
  cachedLocks,
  type ListLocksOptions,
  type ListLocksResult,
  type RefreshResult,
} from './refresh.js';
export { checkPushLocks, type PushLocksOptions, type PushLocksResult } from './pushLocks.js';
export { lockNotes, commitLockNotes, changedPaths, type LockNote, type LockNotes } from './notes.js';
export { applyLockModes, setWritable, type ApplyModesOptions, type ModeResult } from './modes.js';
export {
  loadLockable,
  addLockablePatterns,
  LOCKABLE_FILE,
  type LockableRules,
  type LockableSetup,
} from './lockable.js';
export { LockCache, type LockView } from './cache.js';
export { LockedByOtherError, ageOf, describeHolder, type HeldLock, type LockAction } from './errors.js';
export {
  lockRefOf,
  breakRefOf,
  normalizeLockPath,
  ownerOf,
  sameOwner,
  showOwner,
  LOCK_PREFIX,
  BREAK_PREFIX,
  type LockRecord,
  type BreakRecord,
  type LockOwner,
} from './record.js';
export { lockRemote, listLockRefs, type LockRemote, type RemoteOptions } from './remote.js';
