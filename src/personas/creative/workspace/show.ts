import type { ObjectId } from '../../../objects/types.js';
import { readAttachedFile, readAttachment, type AttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { NoWorkspaceStateError } from './errors.js';
import { MANIFEST, decodeManifest, type CapturedWorkspace } from './manifest.js';

export const NOTE_META = 'workspace.note';

export interface WorkspaceSummary extends CapturedWorkspace {
  readonly files: number;
  readonly bytes: number;
}

export interface WorkspaceState {
  readonly snapshot: ObjectId;
  /** the note given with the commit (open documents, app versions), or null */
  readonly note: string | null;
  readonly workspaces: readonly WorkspaceSummary[];
  /** the attached files by attachment path (files/NAME/REL) */
  readonly attached: ReadonlyMap<string, AttachedFile>;
}

/**
 * The workspace state a snapshot holds. Fails with ENOWORKSPACE when it holds
 * neither captured paths nor a note.
 */
export async function showWorkspace(opts: { vault: Vault; snapshot?: string }): Promise<WorkspaceState> {
  const snap = await readSnapshot(opts.vault, opts.snapshot ?? 'HEAD');
  const note = snap.meta[NOTE_META] ?? null;
  const attached = await readAttachment(opts.vault, snap.attachments, 'workspace');
  const m = attached.get(MANIFEST);
  if (!m && note === null) throw new NoWorkspaceStateError(snap.id);
  const workspaces = m
    ? decodeManifest(await readAttachedFile(opts.vault, m)).workspaces.map((w) => {
        const files = w.items.filter((i) => i.kind === 'file');
        return { ...w, files: files.length, bytes: files.reduce((s, i) => s + i.size, 0) };
      })
    : [];
  return { snapshot: snap.id, note, workspaces, attached };
}
