/** The attachment folder thumbnails live in (see porcelain/attachments.ts). */
export const THUMBNAILS = 'thumbnails';

/** Longest side of a stored thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 128;

/** Files larger than this get no thumbnail (decoding holds the whole file in memory). */
export const THUMBNAIL_MAX_BYTES = 512 * 1024 * 1024;

/** Where a project file's thumbnail is kept inside the thumbnails folder: `Art/hero.psd` -> `Art/hero.psd.png`. */
export function thumbnailPath(projectPath: string): string {
  return `${projectPath}.png`;
}

/** The project path a thumbnail belongs to (the inverse of thumbnailPath). */
export function projectPathOf(thumbnail: string): string {
  return thumbnail.endsWith('.png') ? thumbnail.slice(0, -4) : thumbnail;
}

const IMAGE_EXT = new Set([
  'png',
  'jpg',
  'jpeg',
  'jpe',
  'psd',
  'psb',
  'webp',
  'kra',
  'ora',
  'svg',
  'blend',
  'tga',
  'dds',
  'ktx2',
]);
const MODEL_EXT = new Set(['obj', 'stl', 'gltf', 'glb']);

/**
 * What kind of thumbnail a project path gets, by its extension: 'image', 'model' or null.
 * The same extensions as imageFormatOf / modelFormatOf (a test keeps them in step), without
 * loading the decoders: a commit that changed no picture loads none of them.
 */
export function thumbnailKind(path: string): 'image' | 'model' | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (IMAGE_EXT.has(ext)) return 'image';
  return MODEL_EXT.has(ext) ? 'model' : null;
}
