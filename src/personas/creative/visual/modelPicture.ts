/**
 * Pictures of two versions of a model for `vault diff --visual MODEL --out`: both drawn by the
 * thumbnail renderer from the same camera (framed on both, each part in the same colour on both
 * sides), then compared like images: before | after | diff.
 */
import type { RgbaImage } from '../formats/images.js';
import type { Model } from '../formats/models.js';
import { drawableMeshes } from '../thumbnails/makeThumbnail.js';
import { renderMeshes, type MeshGeometry } from '../thumbnails/render.js';
import { compareImages } from './imageDiff.js';

/** Longest side of each panel. */
export const MODEL_PICTURE_SIZE = 384;

export function modelPicture(before: Model | null, after: Model | null, size = MODEL_PICTURE_SIZE): RgbaImage | null {
  const names = new Map<string, number>();
  const parts = (m: Model | null): MeshGeometry[] =>
    m
      ? drawableMeshes(m)
          .filter((x) => x.indices.length)
          .map((x) => {
            if (!names.has(x.name)) names.set(x.name, names.size);
            return { positions: x.positions, indices: x.indices, colorIndex: names.get(x.name)! };
          })
      : [];
  const [pa, pb] = [parts(before), parts(after)];
  if (!pa.length && !pb.length) return null;
  const up = (after ?? before)!.format === 'stl' ? 'z' : 'y';
  const frame = [...pa, ...pb];
  const draw = (p: MeshGeometry[]): RgbaImage | null => {
    if (!p.length) return null;
    const px = renderMeshes(p, { size, up, frame });
    return { ...px, info: { format: 'png', bitDepth: 8, colorType: 'rgba' } };
  };
  const [ia, ib] = [draw(pa), draw(pb)];
  return compareImages(ia, ib, { sideBySide: true, threshold: 0.05, gap: 6 }).image;
}
