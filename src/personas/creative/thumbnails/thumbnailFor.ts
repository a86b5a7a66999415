import { readAttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { decodeImage, type RgbaImage } from '../formats/images.js';
import { storedThumbnail } from '../timeline/timelineVersions.js';

/**
 * The thumbnail stored with a snapshot for a project file, decoded (RGBA8), or
 * null when that snapshot has none for it (not an image or model, made before
 * thumbnails were on, or it failed at commit time). Never opens the original.
 * `snapshot`: an id or any snapshot name (HEAD~2, a milestone...).
 */
export async function thumbnailFor(vault: Vault, snapshot: string, path: string): Promise<RgbaImage | null> {
  const snap = await readSnapshot(vault, snapshot);
  const f = await storedThumbnail(vault, snap.attachments, path);
  if (!f) return null;
  return decodeImage(await readAttachedFile(vault, f), f.path);
}

/** The stored thumbnail's PNG bytes (for web pages and exports), or null. */
export async function thumbnailPng(vault: Vault, snapshot: string, path: string): Promise<Buffer | null> {
  const snap = await readSnapshot(vault, snapshot);
  const f = await storedThumbnail(vault, snap.attachments, path);
  return f ? readAttachedFile(vault, f) : null;
}
