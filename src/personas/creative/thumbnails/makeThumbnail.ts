import type { RgbaImage } from '../formats/images.js';
import { readAll, resampled } from '../formats/imageSource.js';
import { bytesInput, openImage } from '../formats/openImage.js';
import type { Model, ModelMesh } from '../formats/models.js';
import { renderMeshes } from './render.js';
import { THUMBNAIL_SIZE, thumbnailKind } from './paths.js';

export { thumbnailKind };

/**
 * The meshes to draw: glTF lists each node (world space) and each mesh (its own
 * space); drawing both would draw things twice, so nodes win when they have geometry.
 */
export function drawableMeshes(model: Model): ModelMesh[] {
  const nodes = model.meshes.filter((m) => m.kind === 'node' && m.indices.length);
  if (nodes.length) return nodes;
  return model.meshes.filter((m) => m.kind !== 'node');
}

export interface MakeThumbnailOptions {
  /** longest side (default 128) */
  size?: number;
  /** bytes of a file the model references, relative to its folder (glTF .bin buffers); null when missing */
  readRelated?: (relativePath: string) => Promise<Uint8Array | null>;
}

/**
 * A small picture of a file: images (PNG, JPEG, PSD composite) scaled down,
 * models (OBJ, STL, glTF, GLB) rendered by the software renderer. null: the
 * file is neither. Throws the decoders' errors (EDECODE, ETOOBIG, EUNSUPPORTED).
 */
export async function makeThumbnail(
  bytes: Uint8Array,
  path: string,
  opts: MakeThumbnailOptions = {},
): Promise<RgbaImage | null> {
  const size = opts.size ?? THUMBNAIL_SIZE;
  const kind = thumbnailKind(path);
  if (kind === 'image') return imageThumbnail(bytes, path, size);
  if (kind === 'model') {
    // the glTF library loads only when a model changed
    const { parseModel } = await import('../formats/models.js');
    const model = await parseModel(bytes, path, opts.readRelated);
    const px = renderMeshes(drawableMeshes(model), { size, up: model.format === 'stl' ? 'z' : 'y' });
    return { ...px, info: { format: 'png', bitDepth: 8, colorType: 'rgba' } };
  }
  return null;
}

/** An image scaled down a strip at a time (a 16384-pixel PNG needs memory for a few rows, not for the picture). */
async function imageThumbnail(bytes: Uint8Array, path: string, size: number): Promise<RgbaImage> {
  const src = await openImage(bytesInput(bytes), path);
  const scale = Math.min(1, size / Math.max(src.width, src.height));
  const w = Math.max(1, Math.round(src.width * scale));
  const h = Math.max(1, Math.round(src.height * scale));
  const img = await readAll(resampled(src, w, h));
  // thumbnails are 8-bit pictures
  return { width: img.width, height: img.height, data: img.data, info: img.info };
}
