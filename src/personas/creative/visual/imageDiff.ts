import pixelmatch from 'pixelmatch';
import type { ImageInfo, RgbaImage } from '../formats/images.js';
import { ImageComparer, type ComparerResult } from './imageComparer.js';
import type { Region } from './regions.js';

/** What one side of an image comparison was. */
export interface ImageSideInfo extends ImageInfo {
  readonly width: number;
  readonly height: number;
}

export interface ImageDiffReport {
  readonly before: ImageSideInfo | null;
  readonly after: ImageSideInfo | null;
  readonly sizeChanged: boolean;
  /** the canvas both were compared on: the union of their sizes, top-left aligned (with fit: the common size) */
  readonly canvas: { readonly width: number; readonly height: number };
  /** pixels that differ beyond `threshold`, including pixels only one side covers */
  readonly changedPixels: number;
  /** pixels covered by at least one side */
  readonly totalPixels: number;
  /** changedPixels / totalPixels, 0..1 */
  readonly changedShare: number;
  /** pixels whose stored values differ at all (at `comparedDepth`), including pixels only one side covers */
  readonly differingPixels: number;
  /** differingPixels / totalPixels, 0..1 */
  readonly differingShare: number;
  /** colour difference ΔE*ab (CIE 1976, over white) of the pixels both sides cover that differ; null when none */
  readonly deltaE: { readonly mean: number; readonly max: number } | null;
  /** bits per channel the values were compared at (16 when both sides have 16) */
  readonly comparedDepth: 8 | 16;
  /** with fit: both sides were scaled to the canvas; each side's scale (canvas / own size) per axis */
  readonly fit?: { readonly before: readonly [number, number]; readonly after: readonly [number, number] };
  /** boxes around the changed areas, largest first, capped */
  readonly regions: readonly Region[];
  /** regions before the cap */
  readonly regionsTotal: number;
  /** pixelmatch's colour threshold (0..1, smaller is more sensitive) */
  readonly threshold: number;
  /** anti-aliased pixels were not counted */
  readonly ignoreAntialiasing: boolean;
  /** the diff picture is this many picture pixels per canvas pixel (below 1 for big images) */
  readonly pictureScale: number;
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
  /** images of different sizes: scale both to the smaller width and height and compare those (compareImageSources) */
  fit?: boolean;
  /** the diff picture's longer side at most (default 4096) */
  maxPictureSide?: number;
  /**
   * compareImageSources: worker threads that compare a big canvas (from 4 megapixels) while this
   * thread decodes; default 0, all on this thread. The result is the same either way.
   */
  workers?: number;
}

export interface ImageComparison {
  readonly report: ImageDiffReport;
  /** changed pixels in red over a faded grey copy of the picture; regions outlined in orange */
  readonly image: RgbaImage;
}

function sideInfo(img: RgbaImage | null): ImageSideInfo | null {
  return img ? { ...img.info, width: img.width, height: img.height } : null;
}

function notesOf(a: ImageSideInfo | null, b: ImageSideInfo | null, fit: boolean, depth: 8 | 16): string[] {
  if (!a && !b) return [];
  if (!a) return ['added: every pixel counts as changed'];
  if (!b) return ['removed: every pixel counts as changed'];
  const n: string[] = [];
  if ((a.width !== b.width || a.height !== b.height) && !fit)
    n.push(
      `size changed from ${a.width}x${a.height} to ${b.width}x${b.height}: compared ` +
        `on the common ${Math.max(a.width, b.width)}x${Math.max(a.height, b.height)} ` +
        `canvas (top-left aligned); pixels only one side covers ` +
        `count as changed (--fit compares them at a common scale)`,
    );
  if (a.format !== b.format) n.push(`format changed from ${a.format} to ${b.format}`);
  if (a.colorType && b.colorType && a.colorType !== b.colorType)
    n.push(`colour type changed from ${a.colorType} to ${b.colorType}`);
  if (a.bitDepth && b.bitDepth && a.bitDepth !== b.bitDepth)
    n.push(`bit depth changed from ${a.bitDepth} to ${b.bitDepth}`);
  if (((a.bitDepth ?? 8) > 8 || (b.bitDepth ?? 8) > 8) && depth === 8) n.push('compared at 8 bits per channel');
  if (depth === 16) n.push('compared at 16 bits per channel');
  return n;
}

/** `img` on a width x height canvas, top-left aligned, transparent outside it. */
function onCanvas<T extends Uint8Array | Uint16Array>(data: T, w: number, h: number, width: number, height: number): T {
  if (w === width && h === height) return data;
  const d = new (data.constructor as new (n: number) => T)(width * height * 4);
  for (let y = 0; y < h; y++) d.set(data.subarray(y * w * 4, (y + 1) * w * 4), y * width * 4);
  return d;
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

/** The report of a comparison from the comparer's counts. */
export function reportOf(
  before: ImageSideInfo | null,
  after: ImageSideInfo | null,
  r: ComparerResult,
  o: { canvas: { width: number; height: number }; threshold: number; ignoreAntialiasing: boolean; depth: 8 | 16 },
  extra: { fit?: ImageDiffReport['fit']; notes?: readonly string[] } = {},
): ImageDiffReport {
  return {
    before,
    after,
    sizeChanged: !!before && !!after && (before.width !== after.width || before.height !== after.height),
    canvas: o.canvas,
    changedPixels: r.changedPixels,
    totalPixels: r.totalPixels,
    changedShare: r.totalPixels ? r.changedPixels / r.totalPixels : 0,
    differingPixels: r.differingPixels,
    differingShare: r.totalPixels ? r.differingPixels / r.totalPixels : 0,
    deltaE: r.deltaE,
    comparedDepth: o.depth,
    ...(extra.fit ? { fit: extra.fit } : {}),
    regions: r.regions,
    regionsTotal: r.regionsTotal,
    threshold: o.threshold,
    ignoreAntialiasing: o.ignoreAntialiasing,
    pictureScale: r.pictureScale,
    notes: [...notesOf(before, after, !!extra.fit, o.depth), ...(extra.notes ?? [])],
  };
}

/**
 * Compare two decoded images (either may be null: added or removed) on a common canvas, top-left
 * aligned. For big or streamed pictures, and for `fit`, use compareImageSources.
 */
export function compareImages(
  before: RgbaImage | null,
  after: RgbaImage | null,
  opts: CompareImagesOptions = {},
): ImageComparison {
  const threshold = opts.threshold ?? 0.1;
  const ignoreAntialiasing = !!opts.ignoreAntialiasing;
  const width = Math.max(before?.width ?? 0, after?.width ?? 0);
  const height = Math.max(before?.height ?? 0, after?.height ?? 0);
  const depth = (before ?? after)?.data16 && (!before || before.data16) && (!after || after.data16) ? 16 : 8;
  const cmp = new ImageComparer({
    width,
    height,
    a: before,
    b: after,
    depth,
    threshold,
    ignoreAntialiasing,
    gap: opts.gap,
    sideBySide: opts.sideBySide,
    maxPictureSide: opts.maxPictureSide,
  });
  const side = <T extends Uint8Array | Uint16Array>(img: RgbaImage | null, d: T | undefined, make: T): T =>
    img && d ? onCanvas(d, img.width, img.height, width, height) : make;
  if (width && height) {
    const empty8 = new Uint8Array(width * height * 4);
    const empty16 = depth === 16 ? new Uint16Array(width * height * 4) : undefined;
    cmp.push({
      y: 0,
      rows: height,
      top: 0,
      total: height,
      a: side(before, before?.data, empty8),
      b: side(after, after?.data, empty8),
      ...(empty16 ? { a16: side(before, before?.data16, empty16), b16: side(after, after?.data16, empty16) } : {}),
    });
  }
  const r = cmp.finish(opts.maxRegions);
  const report = reportOf(sideInfo(before), sideInfo(after), r, {
    canvas: { width, height },
    threshold,
    ignoreAntialiasing,
    depth,
  });
  return { report, image: r.picture };
}
