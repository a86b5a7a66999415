import type { CommitAttachment } from '../porcelain/attachments.js';
import type { Vault } from '../porcelain/openVault.js';
import { personaOf, personasWith } from '../porcelain/settings.js';

/**
 * What `vault commit` attaches to a snapshot, by the vault's settings.
 * Persona modules are imported only when used: a commit of a vault without
 * persona loads none of their libraries (image and model decoders).
 */
export async function commitAttachments(vault: Vault): Promise<CommitAttachment[]> {
  const out: CommitAttachment[] = [];
  const persona = personaOf(vault);
  const creative = persona === 'creative' || personasWith(vault).includes('creative');
  const extra = vault.config.extra;
  // on by persona unless `extra.<key>: false`; `extra.<key>: true` turns it on for any vault
  const on = (key: string, byPersona: boolean) => extra[key] === true || (byPersona && extra[key] !== false);
  if (on('thumbnails', creative))
    out.push((await import('../personas/creative/thumbnails/attachment.js')).thumbnailsAttachment());
  if (on('references', creative || persona === 'game'))
    out.push((await import('../personas/creative/references/attachment.js')).referencesAttachment());
  if (Array.isArray(extra.workspace) && extra.workspace.length) {
    out.push((await import('../personas/creative/workspace/attachment.js')).workspaceAttachment(vault));
  }
  return out;
}
