import type { CommitAttachment } from '../../../porcelain/attachments.js';

/** The asset reference graph (in progress: carries the parent's forward). */
export function referencesAttachment(): CommitAttachment {
  return { name: 'references', run: async (ctx) => [...ctx.previous.values()] };
}
