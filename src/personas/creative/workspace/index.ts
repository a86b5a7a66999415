/** Workspace state: application settings kept with snapshots (see config.ts and manifest.ts for the nouns). */
export { addWorkspace, listWorkspace, removeWorkspace, type WorkspacePath } from './config.js';
export { workspaceAttachment } from './attachment.js';
export { NOTE_META, showWorkspace, type WorkspaceState, type WorkspaceSummary } from './show.js';
export {
  restoreWorkspace,
  type WorkspaceConfirmation,
  type WorkspaceRestoreOptions,
  type WorkspaceRestoreResult,
  type WorkspaceWrite,
} from './restore.js';
export {
  NoWorkspaceStateError,
  UndeclaredWorkspaceError,
  UnknownWorkspaceError,
  WorkspaceExistsError,
  WorkspaceOverwriteError,
  WorkspaceRestoreCancelledError,
} from './errors.js';
export type { CapturedWorkspace, Manifest, WorkspaceItem } from './manifest.js';
