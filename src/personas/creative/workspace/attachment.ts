import type { CommitAttachment } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';

/** Workspace files declared in the vault config (in progress: carries the parent's forward). */
export function workspaceAttachment(_vault: Vault): CommitAttachment {
  return { name: 'workspace', always: true, run: async (ctx) => [...ctx.previous.values()] };
}
