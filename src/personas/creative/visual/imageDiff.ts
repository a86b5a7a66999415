import pixelmatch from 'pixelmatch';
import type { ImageInfo, RgbaImage } from '../formats/images.js';
import { changedRegions, type Region } from './regions.js';

/** What one side of an image comparison was. */
export interface ImageSideInfo extends ImageInfo {
  readonly width: number;
  readonly height: number;
}

export interface ImageDiffReport {
  readonly before: ImageSideInfo | null;
  readonly after: ImageSideInfo | null;
  readonly sizeChanged: boolean;
  /** the canvas both were compared on: the union of their sizes, top-left aligned */
  readonly canvas: { readonly width: number; readonly height: number };
  /** pixels that differ (beyond `threshold`), including pixels only one side covers */
  readonly changedPixels: number;
  /** pixels covered by at least one side */
  readonly totalPixels: number;
  /** changedPixels / totalPixels, 0..1 */
  readonly changedShare: number;
  /** boxes around the changed areas, largest first, capped */
  readonly regions: readonly Region[];
  /** regions before the cap */
  readonly regionsTotal: number;
  /** pixelmatch's colour threshold (0..1, smaller is more sensitive) */
  readonly threshold: number;
  /** anti-aliased pixels were not counted */
  readonly ignoreAntialiasing: boolean;
  /** what else differs: size, colour type, bit depth, format */
  readonly notes: readonly string[];
}

export interface CompareImagesOptions {
  /** pixelmatch threshold, 0..1 (default 0.1) */
  threshold?: number;
  /** most regions to report (default 32) */
  maxRegions?: number;
  /** changed pixels closer than this (px) belong to one region (default 2% of the longer side, at least 4) */
  gap?: number;
  /** the diff image shows before | after | diff */
  sideBySide?: boolean;
  /** outline the regions on the diff image (default true) */
  boxes?: boolean;
  /**
   * do not count pixels pixelmatch takes for anti-aliasing (edge pixels that differ because an edge
   * moved slightly): useful for re-rendered or re-exported pictures; off by default, since in a painting
   * a one-pixel stroke is a change
   */
  ignoreAntialiasing?: boolean;
}

export interface ImageComparison {
  readonly report: ImageDiffReport;
  /** changed pixels in red over a faded grey copy of the picture; regions outlined in orange */
  readonly image: RgbaImage;
}

const CHANGED: [number, number, number] = [230, 25, 35];
const BOX: [number, number, number] = [255, 150, 0];
const GAP_COLOUR = 210;
const PANEL_GAP = 8;

function sideInfo(img: RgbaImage | null): ImageSideInfo | null {
  return img ? { ...img.info, width: img.width, height: img.height } : null;
}

function notesOf(a: ImageSideInfo | null, b: ImageSideInfo | null): string[] {
  if (!a && !b) return [];
  if (!a) return ['added: every pixel counts as changed'];
  if (!b) return ['removed: every pixel counts as changed'];
  const n: string[] = [];
  if (a.width !== b.width || a.height !== b.height)
    n.push(
      `size changed from ${a.width}x${a.height} to ${b.width}x${b.height}: compared on the common ${Math.max(a.width, b.width)}x${Math.max(a.height, b.height)} canvas (top-left aligned); pixels only one side covers count as changed`,
    );
  if (a.format !== b.format) n.push(`format changed from ${a.format} to ${b.format}`);
  if (a.colorType && b.colorType && a.colorType !== b.colorType)
    n.push(`colour type changed from ${a.colorType} to ${b.colorType}`);
  if (a.bitDepth && b.bitDepth && a.bitDepth !== b.bitDepth)
    n.push(`bit depth changed from ${a.bitDepth} to ${b.bitDepth}`);
  if ((a.bitDepth ?? 8) > 8 || (b.bitDepth ?? 8) > 8) n.push('compared at 8 bits per channel');
  return n;
}

/** `img` on a width x height canvas, top-left aligned, transparent outside it. */
function onCanvas(img: RgbaImage, width: number, height: number): Uint8Array {
  if (img.width === width && img.height === height) return img.data;
  const d = new Uint8Array(width * height * 4);
  for (let y = 0; y < img.height; y++)
    d.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), y * width * 4);
  return d;
}

function covers(img: RgbaImage | null, x: number, y: number): boolean {
  return !!img && x < img.width && y < img.height;
}

/**
 * One byte per pixel, 1 where two equally sized RGBA8 pictures differ: pixelmatch's colour distance
 * (semi-transparent pixels blended over a checkerboard) beyond `threshold`, or an alpha difference
 * beyond threshold*255 (pixelmatch alone can take a transparent pixel for an opaque one of the
 * checkerboard's colour; for a painting's layers, transparency is content). `ignore`: pixels to skip.
 */
export function changedMask(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  opts: { threshold?: number; ignoreAntialiasing?: boolean; ignore?: Uint8Array } = {},
): Uint8Array {
  const threshold = opts.threshold ?? 0.1;
  const n = width * height;
  const out = new Uint8Array(n * 4);
  pixelmatch(a, b, out, width, height, {
    threshold,
    includeAA: !opts.ignoreAntialiasing,
    diffMask: true,
    diffColor: [255, 0, 0],
    diffColorAlt: [255, 0, 0],
    aaColor: [0, 255, 0],
    ignoreMask: opts.ignore,
  });
  const mask = new Uint8Array(n);
  const alphaLimit = threshold * 255;
  for (let i = 0; i < n; i++) {
    if (opts.ignore?.[i]) continue;
    if (
      (out[i * 4 + 3] && out[i * 4] === 255 && out[i * 4 + 1] === 0) ||
      Math.abs(a[i * 4 + 3]! - b[i * 4 + 3]!) > alphaLimit
    )
      mask[i] = 1;
  }
  return mask;
}

/** Compare two decoded images (either may be null: added or removed) on a common canvas. */
export function compareImages(
  before: RgbaImage | null,
  after: RgbaImage | null,
  opts: CompareImagesOptions = {},
): ImageComparison {
  const threshold = opts.threshold ?? 0.1;
  const width = Math.max(before?.width ?? 0, after?.width ?? 0);
  const height = Math.max(before?.height ?? 0, after?.height ?? 0);
  const n = width * height;
  const mask = new Uint8Array(n);
  let total = 0;
  if (before && after) {
    const a = onCanvas(before, width, height);
    const b = onCanvas(after, width, height);
    // pixels outside the overlap are not compared by colour: they are changed when one side covers them
    const ignore = new Uint8Array(n);
    const ow = Math.min(before.width, after.width);
    const oh = Math.min(before.height, after.height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const inA = x < before.width && y < before.height;
        const inB = x < after.width && y < after.height;
        if (inA || inB) total++;
        if (x >= ow || y >= oh) {
          ignore[i] = 1;
          if (inA !== inB) mask[i] = 1;
        }
      }
    }
    const m = changedMask(a, b, width, height, { threshold, ignoreAntialiasing: opts.ignoreAntialiasing, ignore });
    for (let i = 0; i < n; i++) if (m[i]) mask[i] = 1;
  } else {
    const only = before ?? after;
    if (only) {
      total = n;
      mask.fill(1);
    }
  }
  let changed = 0;
  for (let i = 0; i < n; i++) changed += mask[i]!;
  const { regions, total: regionsTotal } = changedRegions(mask, width, height, { gap: opts.gap, max: opts.maxRegions });
  const [ia, ib] = [sideInfo(before), sideInfo(after)];
  const report: ImageDiffReport = {
    before: ia,
    after: ib,
    sizeChanged: !!ia && !!ib && (ia.width !== ib.width || ia.height !== ib.height),
    canvas: { width, height },
    changedPixels: changed,
    totalPixels: total,
    changedShare: total ? changed / total : 0,
    regions,
    regionsTotal,
    threshold,
    ignoreAntialiasing: !!opts.ignoreAntialiasing,
    notes: notesOf(ia, ib),
  };
  const diff = diffPicture(before, after, mask, width, height, opts.boxes === false ? [] : regions);
  return { report, image: opts.sideBySide ? sideBySide(before, after, diff) : diff };
}

/** Changed pixels in red over a faded grey copy (the new side where it exists, else the old), regions outlined. */
function diffPicture(
  before: RgbaImage | null,
  after: RgbaImage | null,
  mask: Uint8Array,
  width: number,
  height: number,
  regions: readonly Region[],
): RgbaImage {
  const d = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = i * 4;
      if (mask[i]) {
        d.set(CHANGED, o);
        d[o + 3] = 255;
        continue;
      }
      const src = covers(after, x, y) ? after! : covers(before, x, y) ? before! : null;
      let v = 255;
      if (src) {
        const s = (y * src.width + x) * 4;
        const lum = 0.299 * src.data[s]! + 0.587 * src.data[s + 1]! + 0.114 * src.data[s + 2]!;
        const over = 255 - ((255 - lum) * src.data[s + 3]!) / 255;
        v = Math.round(255 - (255 - over) * 0.3);
      }
      d[o] = d[o + 1] = d[o + 2] = v;
      d[o + 3] = 255;
    }
  }
  for (const r of regions) outline(d, width, height, r.x - 2, r.y - 2, r.x + r.width + 1, r.y + r.height + 1);
  return { width, height, data: d, info: { format: 'png', bitDepth: 8, colorType: 'rgba' } };
}

function outline(d: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number): void {
  const put = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = (y * width + x) * 4;
    d.set(BOX, o);
    d[o + 3] = 255;
  };
  for (let x = x0; x <= x1; x++) {
    put(x, y0);
    put(x, y1);
  }
  for (let y = y0; y <= y1; y++) {
    put(x0, y);
    put(x1, y);
  }
}

/** before | after | diff, each panel the diff's size, separated by grey gaps; a missing side is an empty panel. */
function sideBySide(before: RgbaImage | null, after: RgbaImage | null, diff: RgbaImage): RgbaImage {
  const pw = diff.width;
  const width = pw * 3 + PANEL_GAP * 2;
  const height = diff.height;
  const d = new Uint8Array(width * height * 4).fill(GAP_COLOUR);
  const panel = (img: RgbaImage | null, left: number, overWhite: boolean) => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < pw; x++) {
        const o = (y * width + left + x) * 4;
        if (!img || x >= img.width || y >= img.height) {
          d[o] = d[o + 1] = d[o + 2] = 238;
          continue;
        }
        const s = (y * img.width + x) * 4;
        const a = overWhite ? img.data[s + 3]! / 255 : 1;
        for (let c = 0; c < 3; c++) d[o + c] = Math.round(img.data[s + c]! * a + 255 * (1 - a));
      }
    }
  };
  panel(before, 0, true);
  panel(after, pw + PANEL_GAP, true);
  panel(diff, (pw + PANEL_GAP) * 2, false);
  for (let i = 3; i < d.length; i += 4) d[i] = 255;
  return { width, height, data: d, info: diff.info };
}
