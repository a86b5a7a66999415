/**
 * Thumbnails (creative persona): small PNG pictures of images and 3D models,
 * made at commit time and kept with the snapshot as the `thumbnails`
 * attachment (`thumbnails/<project path>.png`), so browsing history never
 * decodes originals again.
 *
 * - **Thumbnail**: RGBA, longest side 128 px. Images are scaled down (PSD: the
 *   composite); models are drawn by a software renderer (render.ts).
 * - **Half-block picture**: a thumbnail as terminal text, two pixels per cell.
 */
export { thumbnailsAttachment, resolveRelated, type ThumbnailsOptions } from './attachment.js';
export { makeThumbnail, drawableMeshes, type MakeThumbnailOptions } from './makeThumbnail.js';
export { renderMeshes, MAX_TRIANGLES, type MeshGeometry, type Pixels, type RenderOptions } from './render.js';
export { halfBlockLines, halfBlockRows, visibleWidth } from './halfBlock.js';
export { thumbnailFor, thumbnailPng } from './thumbnailFor.js';
export {
  THUMBNAILS,
  THUMBNAIL_SIZE,
  THUMBNAIL_MAX_BYTES,
  thumbnailPath,
  projectPathOf,
  thumbnailKind,
} from './paths.js';
