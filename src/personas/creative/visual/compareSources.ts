/**
 * compareImageSources: the image comparison of compareImages on ImageSources, a strip of rows at a
 * time (bounded memory for big pictures), with `fit` for pictures of different sizes.
 */
import { resampled, type ImageSource, type Strip } from '../formats/imageSource.js';
import { ImageComparer, type Window } from './imageComparer.js';
import { reportOf, type CompareImagesOptions, type ImageComparison, type ImageSideInfo } from './imageDiff.js';

/** pixels per strip: rows of a strip times the canvas width stay around this */
const STRIP_PIXELS = 1 << 19;

/** A source's rows as canvas-wide rows (zero beyond its width and below its last row), n at a time. */
class CanvasRows {
  private readonly it: AsyncIterator<Strip> | null;
  // the strip being read and the next row in it
  private strip: Strip | null = null;
  private at = 0;
  private y = 0;

  constructor(
    private readonly src: ImageSource | null,
    private readonly width: number,
    private readonly deep: boolean,
    stripRows: number,
  ) {
    this.it = src ? src.strips(stripRows)[Symbol.asyncIterator]() : null;
  }

  private async fill(): Promise<void> {
    while (!this.strip || this.at >= this.strip.rows) {
      const next = await this.it!.next();
      if (next.done) throw new Error(`${this.src!.info.format} image ended at row ${this.y} of ${this.src!.height}`);
      this.strip = next.value;
      this.at = 0;
    }
  }

  async read(n: number): Promise<{ d8: Uint8Array; d16?: Uint16Array }> {
    const src = this.src;
    if (src && src.width === this.width && this.y + n <= src.height) {
      // as wide as the canvas and the strip holds the rows: views, no copy
      await this.fill();
      const s = this.strip!;
      if (s.rows - this.at >= n && (!this.deep || s.data16)) {
        const [from, to] = [this.at * this.width * 4, (this.at + n) * this.width * 4];
        this.at += n;
        this.y += n;
        return { d8: s.data.subarray(from, to), ...(this.deep ? { d16: s.data16!.subarray(from, to) } : {}) };
      }
    }
    const d8 = new Uint8Array(n * this.width * 4);
    const d16 = this.deep ? new Uint16Array(n * this.width * 4) : undefined;
    for (let r = 0; r < n && src && this.y < src.height; r++, this.y++) {
      await this.fill();
      const s = this.strip!;
      const from = this.at * src.width * 4;
      d8.set(s.data.subarray(from, from + src.width * 4), r * this.width * 4);
      if (d16 && s.data16) d16.set(s.data16.subarray(from, from + src.width * 4), r * this.width * 4);
      this.at++;
    }
    return { d8, ...(d16 ? { d16 } : {}) };
  }
}

function info(src: ImageSource | null): ImageSideInfo | null {
  return src ? { ...src.info, width: src.width, height: src.height } : null;
}

function concat<T extends Uint8Array | Uint16Array>(parts: (T | undefined)[]): T | undefined {
  const present = parts.filter((p): p is T => !!p);
  if (!present.length) return undefined;
  if (present.length === 1) return present[0];
  const out = new (present[0]!.constructor as new (n: number) => T)(present.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of present) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Compare two image sources (either may be null: added or removed). Sizes that differ are compared
 * on the union canvas, top-left aligned, or with `fit` both scaled to the smaller width and height.
 */
export async function compareImageSources(
  before: ImageSource | null,
  after: ImageSource | null,
  opts: CompareImagesOptions = {},
): Promise<ImageComparison> {
  const threshold = opts.threshold ?? 0.1;
  const ignoreAntialiasing = !!opts.ignoreAntialiasing;
  const [ia, ib] = [info(before), info(after)];
  let [a, b] = [before, after];
  let fit: { before: [number, number]; after: [number, number] } | undefined;
  if (opts.fit && a && b && (a.width !== b.width || a.height !== b.height)) {
    const w = Math.min(a.width, b.width);
    const h = Math.min(a.height, b.height);
    fit = { before: [w / a.width, h / a.height], after: [w / b.width, h / b.height] };
    [a, b] = [resampled(a, w, h), resampled(b, w, h)];
  }
  const width = Math.max(a?.width ?? 0, b?.width ?? 0);
  const height = Math.max(a?.height ?? 0, b?.height ?? 0);
  const depth = (a ?? b) && (!a || a.depth === 16) && (!b || b.depth === 16) ? 16 : 8;
  const cmp = new ImageComparer({
    width,
    height,
    a,
    b,
    depth,
    threshold,
    ignoreAntialiasing,
    gap: opts.gap,
    sideBySide: opts.sideBySide,
    maxPictureSide: opts.maxPictureSide,
  });
  const rows = Math.max(8, Math.floor(STRIP_PIXELS / Math.max(1, width)));
  const ra = new CanvasRows(a, width, depth === 16, rows);
  const rb = new CanvasRows(b, width, depth === 16, rows);
  const ctx = ignoreAntialiasing ? 2 : 0;
  const rowLen = width * 4;
  let prev: { a: Uint8Array; b: Uint8Array; a16?: Uint16Array; b16?: Uint16Array } | null = null;
  let cur = { ...(await pair(ra, rb, Math.min(rows, height))) };
  for (let y = 0; y < height; y += rows) {
    const n = Math.min(rows, height - y);
    const next = y + n < height ? await pair(ra, rb, Math.min(rows, height - y - n)) : null;
    const top = prev ? Math.min(ctx, prev.a.length / rowLen) : 0;
    const bottom = next ? Math.min(ctx, next.a.length / rowLen) : 0;
    const tail = <T extends Uint8Array | Uint16Array>(d: T | undefined) => d?.subarray(d.length - top * rowLen) as T;
    const head = <T extends Uint8Array | Uint16Array>(d: T | undefined) => d?.subarray(0, bottom * rowLen) as T;
    const w: Window = {
      y,
      rows: n,
      top,
      total: top + n + bottom,
      a: concat([tail(prev?.a), cur.a, head(next?.a)])!,
      b: concat([tail(prev?.b), cur.b, head(next?.b)])!,
      ...(depth === 16
        ? {
            a16: concat([tail(prev?.a16), cur.a16, head(next?.a16)]),
            b16: concat([tail(prev?.b16), cur.b16, head(next?.b16)]),
          }
        : {}),
    };
    cmp.push(w);
    prev = cur;
    if (next) cur = next;
  }
  const r = cmp.finish(opts.maxRegions);
  const report = reportOf(ia, ib, r, { canvas: { width, height }, threshold, ignoreAntialiasing, depth }, { fit });
  return { report, image: r.picture };
}

async function pair(ra: CanvasRows, rb: CanvasRows, n: number) {
  const [x, y] = await Promise.all([ra.read(n), rb.read(n)]);
  return { a: x.d8, b: y.d8, ...(x.d16 ? { a16: x.d16 } : {}), ...(y.d16 ? { b16: y.d16 } : {}) };
}
