/**
 * compareImageSources: the image comparison of compareImages on ImageSources, a strip of rows at a
 * time (bounded memory for big pictures), with `fit` for pictures of different sizes.
 */
import { resampled, type ImageSource, type Strip } from '../formats/imageSource.js';
import { WorkerPool, type WorkerFailure } from '../../../plumbing/workerPool.js';
import type { CompareReply, CompareRequest } from './compareWorker.js';
import { ImageComparer, type ComparerOptions, type Window, type WindowStats } from './imageComparer.js';
import type { CellData } from './regions.js';
import { reportOf, type CompareImagesOptions, type ImageComparison, type ImageSideInfo } from './imageDiff.js';

/** pixels per strip: rows of a strip times the canvas width stay around this */
const STRIP_PIXELS = 1 << 19;

/** `n` canvas rows of both sides. */
interface Rows {
  readonly n: number;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly a16?: Uint16Array;
  readonly b16?: Uint16Array;
}

/** strips a CanvasRows' reader holds at a time: those of the window before, this one and the next */
const HELD_STRIPS = 3;

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
    // the windows hold the strips of the rows before, these and the next (views, or copies)
    this.it = src ? src.strips(stripRows, HELD_STRIPS)[Symbol.asyncIterator]() : null;
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

/** The parts one after another in a new array (undefined parts left out). */
function concat<T extends Uint8Array | Uint16Array>(parts: (T | undefined)[]): T {
  const present = parts.filter((p): p is T => !!p);
  const out = new (present[0]!.constructor as new (n: number) => T)(present.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of present) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The comparison windows, top to bottom: `rows` canvas rows each with `ctx` rows of context above
 * and below (anti-aliasing detection looks 2 rows around).
 */
async function* windows(
  a: ImageSource | null,
  b: ImageSource | null,
  width: number,
  height: number,
  deep: boolean,
  ctx: number,
  rows: number,
): AsyncGenerator<Window> {
  const ra = new CanvasRows(a, width, deep, rows);
  const rb = new CanvasRows(b, width, deep, rows);
  const rowLen = width * 4;
  let prev: Rows | null = null;
  let cur = await pair(ra, rb, Math.min(rows, height));
  for (let y = 0; y < height; y += rows) {
    const n = cur.n;
    const next = y + n < height ? await pair(ra, rb, Math.min(rows, height - y - n)) : null;
    const top = prev ? Math.min(ctx, prev.n) : 0;
    const bottom = next ? Math.min(ctx, next.n) : 0;
    if (!top && !bottom) {
      // no context rows: the rows themselves
      const { a: wa, b: wb, a16, b16 } = cur;
      yield { y, rows: n, top: 0, total: n, a: wa, b: wb, ...(deep ? { a16, b16 } : {}) };
    } else {
      const tail = <T extends Uint8Array | Uint16Array>(d: T | undefined) =>
        top ? (d?.subarray(d.length - top * rowLen) as T) : undefined;
      const head = <T extends Uint8Array | Uint16Array>(d: T | undefined) =>
        bottom ? (d?.subarray(0, bottom * rowLen) as T) : undefined;
      const w: Window = {
        y,
        rows: n,
        top,
        total: top + n + bottom,
        a: concat([tail(prev?.a), cur.a, head(next?.a)]),
        b: concat([tail(prev?.b), cur.b, head(next?.b)]),
        ...(deep
          ? {
              a16: concat([tail(prev?.a16), cur.a16, head(next?.a16)]),
              b16: concat([tail(prev?.b16), cur.b16, head(next?.b16)]),
            }
          : {}),
      };
      yield w;
    }
    prev = cur;
    if (next) cur = next;
  }
}

/** Tuning for tests: rows per strip come from `stripPixels`; canvases from `parallelFrom` pixels use workers. */
export interface CompareTuning {
  readonly stripPixels?: number;
  readonly parallelFrom?: number;
}

/** Canvases from this many pixels are compared on worker threads (when `workers` allows). */
const PARALLEL_PIXELS = 4 << 20;
/** windows sent to each worker and not yet answered, at most */
const IN_FLIGHT_PER_WORKER = 2;

/**
 * Compare two image sources (either may be null: added or removed). Sizes that differ are compared
 * on the union canvas, top-left aligned, or with `fit` both scaled to the smaller width and height.
 * With `workers` and a big canvas, this thread decodes and cuts windows and the workers compare them.
 */
export async function compareImageSources(
  before: ImageSource | null,
  after: ImageSource | null,
  opts: CompareImagesOptions = {},
  tuning: CompareTuning = {},
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
  const options: ComparerOptions = {
    width,
    height,
    a: a && { width: a.width, height: a.height },
    b: b && { width: b.width, height: b.height },
    depth,
    threshold,
    ignoreAntialiasing,
    gap: opts.gap,
    sideBySide: opts.sideBySide,
    maxPictureSide: opts.maxPictureSide,
  };
  const rows = Math.max(8, Math.floor((tuning.stripPixels ?? STRIP_PIXELS) / Math.max(1, width)));
  const workers =
    width * height >= (tuning.parallelFrom ?? PARALLEL_PIXELS)
      ? Math.min(opts.workers ?? 0, Math.ceil(height / rows))
      : 0;
  const cmp = new ImageComparer(options, workers > 0 ? 'share' : undefined);
  const ctx = ignoreAntialiasing ? 2 : 0;
  const all = windows(a, b, width, height, depth === 16, ctx, rows);
  if (workers > 0) await compareOnWorkers(cmp, options, all, workers, rows + 2 * ctx);
  else for await (const w of all) cmp.push(w);
  const r = cmp.finish(opts.maxRegions);
  const report = reportOf(ia, ib, r, { canvas: { width, height }, threshold, ignoreAntialiasing, depth }, { fit });
  return { report, image: r.picture };
}

/**
 * The windows compared on `workers` threads, each with its own comparer drawing into `cmp`'s picture;
 * their counts are added to `cmp` in window order and their region cells merged into it. Windows go
 * through a few shared buffers (copied in here, read there): nothing is allocated per window on the
 * workers, whose garbage would pile up between their collections.
 */
async function compareOnWorkers(
  cmp: ImageComparer,
  options: ComparerOptions,
  all: AsyncIterable<Window>,
  workers: number,
  maxRows: number,
): Promise<void> {
  const pool = new WorkerPool<CompareRequest, CompareReply>('compareWorker', null, workers, undefined, import.meta.url);
  const failed = (f: WorkerFailure | Error) => new Error(`image comparison on a worker thread failed: ${f.message}`);
  const samples = options.width * 4 * maxRows;
  const deep = options.depth === 16;
  const slots: WindowBuffers[] = Array.from({ length: workers * IN_FLIGHT_PER_WORKER }, () => ({
    a: new Uint8Array(new SharedArrayBuffer(samples)),
    b: new Uint8Array(new SharedArrayBuffer(samples)),
    ...(deep
      ? {
          a16: new Uint16Array(new SharedArrayBuffer(samples * 2)),
          b16: new Uint16Array(new SharedArrayBuffer(samples * 2)),
        }
      : {}),
  }));
  try {
    await pool.broadcast({ op: 'start', options, shared: cmp.shared }).catch((f: WorkerFailure) => {
      throw failed(f);
    });
    const stats: WindowStats[] = [];
    const inFlight = new Set<Promise<void>>();
    let error: Error | null = null;
    let i = 0;
    for await (const w of all) {
      const at = i++;
      const slot = slots.pop()!;
      const p: Promise<void> = pool
        .run({ op: 'window', window: into(slot, w) })
        .then(
          (s) => void (stats[at] = s as WindowStats),
          (f: WorkerFailure) => void (error ??= failed(f)),
        )
        .finally(() => {
          inFlight.delete(p);
          slots.push(slot);
        });
      inFlight.add(p);
      if (error) break;
      if (!slots.length) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (error) throw error;
    for (const s of stats) cmp.add(s);
    const cells = await pool.broadcast({ op: 'finish' }).catch((f: WorkerFailure) => {
      throw failed(f);
    });
    for (const c of cells) cmp.mergeCells(c as CellData);
  } finally {
    await pool.close();
  }
}

interface WindowBuffers {
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly a16?: Uint16Array;
  readonly b16?: Uint16Array;
}

/** The window with its rows copied into shared buffers. */
function into(slot: WindowBuffers, w: Window): Window {
  const put = <T extends Uint8Array | Uint16Array>(to: T, d: T): T => {
    to.set(d);
    return to.subarray(0, d.length) as T;
  };
  return {
    ...w,
    a: put(slot.a, w.a),
    b: put(slot.b, w.b),
    ...(w.a16 && w.b16 && slot.a16 && slot.b16 ? { a16: put(slot.a16, w.a16), b16: put(slot.b16, w.b16) } : {}),
  };
}

async function pair(ra: CanvasRows, rb: CanvasRows, n: number): Promise<Rows> {
  const [x, y] = await Promise.all([ra.read(n), rb.read(n)]);
  return {
    n,
    a: x.d8,
    b: y.d8,
    ...(x.d16 ? { a16: x.d16 } : {}),
    ...(y.d16 ? { b16: y.d16 } : {}),
  };
}
