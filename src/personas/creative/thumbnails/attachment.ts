import type { CommitAttachment } from '../../../porcelain/attachments.js';

/** Thumbnails of changed images and models (in progress: carries the parent's forward). */
export function thumbnailsAttachment(): CommitAttachment {
  return { name: 'thumbnails', run: async (ctx) => [...ctx.previous.values()] };
}
