/**
 * The earlier Python library's creative names, as thin faces over the same
 * code. `DeltaBackupEngine` is `IncrementalBackupEngine` whose snapshots also
 * keep the creative attachments: thumbnails, the asset reference graph and
 * (when the vault declares workspace paths) the workspace state.
 */
import { IncrementalBackupEngine } from '../../porcelain/compat.js';
import type { CommitAttachment } from '../../porcelain/attachments.js';
import type { Vault } from '../../porcelain/openVault.js';
import { referencesAttachment } from './references/attachment.js';
import { thumbnailsAttachment } from './thumbnails/attachment.js';
import { listWorkspace } from './workspace/config.js';
import { workspaceAttachment } from './workspace/attachment.js';

/** Python: DeltaBackupEngine(...).create_snapshot(dir) / restore_snapshot(id, dir). */
export class DeltaBackupEngine extends IncrementalBackupEngine {
  protected override async attachments(vault: Vault): Promise<CommitAttachment[]> {
    const extra = vault.config.extra;
    const out: CommitAttachment[] = [];
    if (extra.thumbnails !== false) out.push(thumbnailsAttachment());
    if (extra.references !== false) out.push(referencesAttachment());
    if (listWorkspace(vault).length) out.push(workspaceAttachment(vault));
    return out;
  }
}

export {
  brokenReferences,
  computeReferences,
  loadReferenceGraph,
  parseReferences,
  parserFor,
  referencesAttachment,
  referencesOf,
  resolveReference,
  usedBy,
  type CheckedReference,
  type Reference,
  type ReferenceGraph,
  type ReferenceKind,
  type ReferenceReport,
  type ReferenceStatus,
} from './references/index.js';
export {
  addWorkspace,
  listWorkspace,
  removeWorkspace,
  restoreWorkspace,
  showWorkspace,
  workspaceAttachment,
  NOTE_META as WORKSPACE_NOTE_META,
  NoWorkspaceStateError,
  UndeclaredWorkspaceError,
  UnknownWorkspaceError,
  WorkspaceExistsError,
  WorkspaceOverwriteError,
  WorkspaceRestoreCancelledError,
  type CapturedWorkspace,
  type WorkspaceConfirmation,
  type WorkspaceItem,
  type WorkspacePath,
  type WorkspaceRestoreOptions,
  type WorkspaceRestoreResult,
  type WorkspaceState,
  type WorkspaceSummary,
} from './workspace/index.js';
