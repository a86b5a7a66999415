import pixelmatch from 'pixelmatch';
import type { RgbaImage } from '../formats/images.js';

export interface ThumbnailDiff {
  /** changed pixels in red over a faded "after" picture (pixelmatch's diff output) */
  readonly image: RgbaImage;
  readonly changedPixels: number;
  /** changed pixels / all pixels of the compared area, 0..1 */
  readonly share: number;
}

function pad(img: RgbaImage, w: number, h: number): Uint8Array {
  if (img.width === w && img.height === h) return img.data;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < img.height; y++) out.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), y * w * 4);
  return out;
}

/**
 * What changed between two thumbnails of the same file, as a picture: a quick
 * look for the timeline page, computed from the stored 128 px thumbnails (never
 * from the originals; `vault diff --visual` compares the originals). Pictures of
 * different sizes are compared on the larger canvas, top-left aligned.
 * pixelmatch does the comparison (perceptual colour distance, anti-aliasing ignored).
 */
export function thumbnailDiff(before: RgbaImage, after: RgbaImage): ThumbnailDiff {
  const w = Math.max(before.width, after.width);
  const h = Math.max(before.height, after.height);
  const out = new Uint8Array(w * h * 4);
  const changedPixels = pixelmatch(pad(before, w, h), pad(after, w, h), out, w, h, { threshold: 0.1, alpha: 0.25, diffColor: [235, 30, 60], diffColorAlt: [40, 140, 255] });
  return { image: { width: w, height: h, data: out, info: { format: 'png', bitDepth: 8, colorType: 'rgba' } }, changedPixels, share: changedPixels / (w * h) };
}
