import type { RgbaImage } from '../formats/images.js';
import { compareImages } from '../visual/imageDiff.js';

export interface ThumbnailDiff {
  /** changed pixels in red over a faded grey copy, changed regions outlined (the visual diff's picture) */
  readonly image: RgbaImage;
  readonly changedPixels: number;
  /** changed pixels / pixels either side covers, 0..1 */
  readonly share: number;
}

/**
 * What changed between two thumbnails of the same file, as a picture: a quick
 * look for the timeline page, computed from the stored 128 px thumbnails (never
 * from the originals; `vault diff --visual` compares the originals). Same
 * comparison as the visual diff (pixelmatch on a common, top-left aligned
 * canvas; pixels only one side covers count as changed).
 */
export function thumbnailDiff(before: RgbaImage, after: RgbaImage): ThumbnailDiff {
  const { report, image } = compareImages(before, after, { gap: 3 });
  return { image, changedPixels: report.changedPixels, share: report.changedShare };
}
