/**
 * The pixel comparison behind every image diff, fed a strip of rows at a time so that a 16384-pixel
 * picture needs memory for a few rows: per strip it counts pixels over pixelmatch's threshold, pixels
 * whose values differ at all (at 16 bits when both sides have them) and their colour difference
 * (ΔE*ab), gathers changed pixels into region cells, and draws the diff picture (scaled down when the
 * canvas is bigger than `maxPictureSide`).
 *
 * Windows may be compared on several threads (compareSources + compareWorker): each thread has its
 * own comparer for disjoint canvas rows, all drawing into one shared picture. Per window, push returns
 * its counts (WindowStats, added up in window order, so ΔE sums come out the same on any number of
 * threads); region cells of all threads are merged before finish. Changed pixels are marked in a
 * separate byte per picture pixel (a mark can fall on a picture row another window drew) and painted
 * red over the drawn background at finish: the picture is the same whatever order windows ran in.
 */
import pixelmatch from 'pixelmatch';
import type { RgbaImage } from '../formats/images.js';
import { DeltaE } from './deltaE.js';
import { PixelmatchDelta } from './pixelmatchDelta.js';
import { RegionCells, type CellData, type Region } from './regions.js';

const CHANGED: [number, number, number] = [230, 25, 35];
const BOX: [number, number, number] = [255, 150, 0];
const GAP_COLOUR = 210;
const PANEL_GAP = 8;
const PAIR_BITS = 14;
const PAIR_SIZE = 1 << PAIR_BITS;

/** The rectangle a side covers on the canvas (top-left aligned). */
export interface Cover {
  readonly width: number;
  readonly height: number;
}

export interface ComparerOptions {
  /** the canvas */
  readonly width: number;
  readonly height: number;
  /** null: the side has no picture (added or removed file) */
  readonly a: Cover | null;
  readonly b: Cover | null;
  /** 16: strips carry 16-bit samples of both sides */
  readonly depth: 8 | 16;
  readonly threshold: number;
  readonly ignoreAntialiasing: boolean;
  readonly gap?: number;
  readonly sideBySide?: boolean;
  /** the diff picture's longer side at most (default 4096; a bigger canvas is drawn scaled down) */
  readonly maxPictureSide?: number;
}

/** Canvas rows of both sides: `rows` counted rows from canvas row `y`, after `top` rows of context. */
export interface Window {
  readonly y: number;
  readonly rows: number;
  /** rows of context above the counted rows in the arrays (anti-aliasing looks 2 rows around) */
  readonly top: number;
  /** rows in the arrays (top + rows + context below) */
  readonly total: number;
  /** canvas-wide RGBA8, zero where the side does not cover */
  readonly a: Uint8Array;
  readonly b: Uint8Array;
  readonly a16?: Uint16Array;
  readonly b16?: Uint16Array;
}

/** What one window counted. */
export interface WindowStats {
  readonly changed: number;
  readonly total: number;
  readonly differing: number;
  readonly deSum: number;
  readonly deCount: number;
  readonly deMax: number;
}

/** Picture buffers shared between the threads comparing one canvas (see ImageComparer.shared). */
export interface SharedPicture {
  /** the RGBA picture */
  readonly pic: SharedArrayBuffer;
  /** one byte per diff-panel pixel: 1 where a changed pixel falls */
  readonly marks: SharedArrayBuffer;
}

export interface ComparerResult {
  readonly changedPixels: number;
  readonly totalPixels: number;
  readonly differingPixels: number;
  readonly deltaE: { readonly mean: number; readonly max: number } | null;
  readonly regions: readonly Region[];
  readonly regionsTotal: number;
  readonly picture: RgbaImage;
  /** picture pixels per canvas pixel (1: full size) */
  readonly pictureScale: number;
}

export class ImageComparer {
  private changed = 0;
  private total = 0;
  private differing = 0;
  private deSum = 0;
  private deMax = 0;
  private deCount = 0;
  private readonly cells: RegionCells;
  private readonly de: DeltaE;
  private readonly pm: PixelmatchDelta;
  private readonly pairA = new Uint32Array(PAIR_SIZE);
  private readonly pairB = new Uint32Array(PAIR_SIZE);
  private readonly pairDe = new Float64Array(PAIR_SIZE);
  private readonly pairOver = new Uint8Array(PAIR_SIZE);
  private readonly scale: number;
  private readonly pw: number;
  private readonly ph: number;
  private readonly panels: number;
  private readonly pic: Uint8Array;
  private readonly marks: Uint8Array;
  private out = new Uint8Array(0);
  /** canvas column of each picture column */
  private readonly xmap: Int32Array;
  private ignore = new Uint8Array(0);

  /**
   * `shared`: draw into these buffers (made by another comparer of the same options with
   * `share: true`) instead of a picture of its own; `share`: make the picture shareable.
   */
  constructor(
    private readonly o: ComparerOptions,
    shared?: SharedPicture | 'share',
  ) {
    this.cells = new RegionCells(o.width, o.height, o.gap);
    this.de = new DeltaE(o.depth);
    this.pm = new PixelmatchDelta(o.threshold);
    const maxSide = o.maxPictureSide ?? 4096;
    this.scale = Math.min(1, maxSide / Math.max(1, o.width, o.height));
    this.pw = Math.max(1, Math.round(o.width * this.scale));
    this.ph = Math.max(1, Math.round(o.height * this.scale));
    this.panels = o.sideBySide ? 3 : 1;
    this.xmap = Int32Array.from({ length: this.pw }, (_, px) => Math.min(o.width - 1, Math.floor(px / this.scale)));
    const picBytes = this.picWidth() * this.ph * 4;
    if (shared && shared !== 'share') {
      this.pic = new Uint8Array(shared.pic);
      this.marks = new Uint8Array(shared.marks);
      if (this.pic.length !== picBytes || this.marks.length !== this.pw * this.ph)
        throw new Error('shared picture of another size');
      return;
    }
    const make = (n: number) => (shared === 'share' ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n));
    this.pic = make(picBytes).fill(GAP_COLOUR);
    for (let i = 3; i < this.pic.length; i += 4) this.pic[i] = 255;
    this.marks = make(this.pw * this.ph);
  }

  /** The picture buffers, for comparers on other threads (the comparer was made with 'share'). */
  get shared(): SharedPicture {
    const [pic, marks] = [this.pic.buffer, this.marks.buffer];
    if (!(pic instanceof SharedArrayBuffer) || !(marks instanceof SharedArrayBuffer))
      throw new Error('this comparer was not made to share its picture');
    return { pic, marks };
  }

  /** Counts of a window compared on another thread (add them in window order). */
  add(s: WindowStats): void {
    this.changed += s.changed;
    this.total += s.total;
    this.differing += s.differing;
    this.deSum += s.deSum;
    this.deCount += s.deCount;
    if (s.deMax > this.deMax) this.deMax = s.deMax;
  }

  /** The region cells, to merge into the comparer that finishes (mergeCells). */
  cellData(): CellData {
    return this.cells.data();
  }

  /** Region cells of a comparer of other rows of the same canvas. */
  mergeCells(d: CellData): void {
    this.cells.merge(d);
  }

  private picWidth(): number {
    return this.pw * this.panels + PANEL_GAP * (this.panels - 1);
  }

  /** Compare one window of rows; returns what it counted (already added to this comparer's totals). */
  push(win: Window): WindowStats {
    const w = aligned(win);
    // anti-aliased pixels counted (the default): pixelmatch's answer is its colour test alone, asked in row()
    const out = this.o.ignoreAntialiasing ? this.pixelmatched(w) : null;
    const before = this.snapshot();
    this.deSum = 0;
    this.deMax = 0;
    for (let r = 0; r < w.rows; r++) this.row(w, r, out);
    this.drawRows(w);
    const s: WindowStats = {
      changed: this.changed - before.changed,
      total: this.total - before.total,
      differing: this.differing - before.differing,
      deSum: this.deSum,
      deCount: this.deCount - before.deCount,
      deMax: this.deMax,
    };
    // the window's ΔE sum on its own, then added: the same sum whichever thread compared which window
    this.deSum = before.deSum + s.deSum;
    this.deMax = Math.max(before.deMax, s.deMax);
    return s;
  }

  private snapshot() {
    const { changed, total, differing, deSum, deCount, deMax } = this;
    return { changed, total, differing, deSum, deCount, deMax };
  }

  /** pixelmatch's diff mask of the window (red: counted), anti-aliased pixels left out. */
  private pixelmatched(w: Window): Uint8Array {
    const n = this.o.width * w.total;
    if (this.out.length < n * 4) this.out = new Uint8Array(n * 4);
    if (this.ignore.length < n) this.ignore = new Uint8Array(n);
    const ignore = this.ignore.subarray(0, n);
    const out = this.out.subarray(0, n * 4);
    out.fill(0);
    if (!this.o.a || !this.o.b) return out;
    this.coverage(w, ignore);
    pixelmatch(w.a, w.b, out, this.o.width, w.total, {
      threshold: this.o.threshold,
      includeAA: false,
      diffMask: true,
      diffColor: [255, 0, 0],
      diffColorAlt: [255, 0, 0],
      aaColor: [0, 255, 0],
      ignoreMask: ignore,
    });
    return out;
  }

  /** ignore: pixels outside the overlap (compared by coverage, not colour). */
  private coverage(w: Window, ignore: Uint8Array): void {
    const { width } = this.o;
    const ow = Math.min(this.o.a!.width, this.o.b!.width);
    const oh = Math.min(this.o.a!.height, this.o.b!.height);
    for (let r = 0; r < w.total; r++) {
      const y = w.y - w.top + r;
      const row = ignore.subarray(r * width, (r + 1) * width);
      if (y >= oh) row.fill(1);
      else {
        row.fill(0, 0, ow);
        row.fill(1, ow);
      }
    }
  }

  /** How far a side covers canvas row y (0: not at all). */
  private span(c: Cover | null, y: number): number {
    return c && y < c.height ? c.width : 0;
  }

  /** Count one canvas row of the window. */
  private row(w: Window, r: number, out: Uint8Array | null): void {
    const y = w.y + r;
    const [aw, bw] = [this.span(this.o.a, y), this.span(this.o.b, y)];
    const both = Math.min(aw, bw);
    const either = Math.max(aw, bw);
    this.total += either;
    const base = (w.top + r) * this.o.width;
    // pixels only one side covers: changed (and differing) by definition
    for (let x = both; x < either; x++) this.changedAt(x, y);
    this.differing += either - both;
    if (!both) return;
    const deep = this.o.depth === 16 && w.a16 && w.b16;
    const a32 = new Uint32Array(w.a.buffer, w.a.byteOffset + base * 4, both);
    const b32 = new Uint32Array(w.b.buffer, w.b.byteOffset + base * 4, both);
    if (!deep && !out) return this.row8(w, y, base, both, a32, b32);
    for (let x = 0; x < both; x++) {
      const k = (base + x) * 4;
      // equal at 8 bits and (16-bit images) at 16 bits: nothing to count
      if (a32[x] === b32[x] && (!deep || sameAt(w.a16!, w.b16!, k))) continue;
      this.differing++;
      const de = deep ? this.de.between(w.a16!, k, w.b16!, k) : this.de.between8(w.a, w.b, k, a32[x]!, b32[x]!);
      this.deSum += de;
      this.deCount++;
      if (de > this.deMax) this.deMax = de;
      if (
        Math.abs(w.a[k + 3]! - w.b[k + 3]!) > this.o.threshold * 255 ||
        (out
          ? out[k] === 255 && out[k + 1] === 0 && out[k + 3] !== 0
          : this.o.threshold === 0 || (a32[x] !== b32[x] && this.pm.differs(w.a, w.b, k, a32[x]!, b32[x]!)))
      )
        this.changedAt(x, y);
    }
  }

  /**
   * row() for 8-bit pixels with anti-aliased pixels counted: ΔE and pixelmatch's test of opaque
   * pairs are cached by the pair's RGBA words (an edit maps colours to colours: a brightness or
   * colour shift repeats its pairs), in a cache small enough to stay in the CPU's cache.
   */
  private row8(w: Window, y: number, base: number, both: number, a32: Uint32Array, b32: Uint32Array): void {
    const { pairA, pairB, pairDe, pairOver } = this;
    const zero = this.o.threshold === 0;
    for (let x = 0; x < both; x++) {
      const wa = a32[x]!;
      const wb = b32[x]!;
      if (wa === wb) continue;
      this.differing++;
      const k = (base + x) * 4;
      let de: number;
      let over: boolean;
      if (w.a[k + 3] === 255 && w.b[k + 3] === 255) {
        // empty slots hold words 0 and 0, a pair that never differs
        const h = (Math.imul(wa, 0x9e3779b1) ^ Math.imul(wb, 0x85ebca77)) >>> (32 - PAIR_BITS);
        if (pairA[h] === wa && pairB[h] === wb) {
          de = pairDe[h]!;
          over = pairOver[h] === 1;
        } else {
          de = this.de.between8(w.a, w.b, k, wa, wb);
          over = this.pm.differs(w.a, w.b, k, wa, wb);
          pairA[h] = wa;
          pairB[h] = wb;
          pairDe[h] = de;
          pairOver[h] = over ? 1 : 0;
        }
      } else {
        de = this.de.between8(w.a, w.b, k, wa, wb);
        over = Math.abs(w.a[k + 3]! - w.b[k + 3]!) > this.o.threshold * 255 || this.pm.differs(w.a, w.b, k, wa, wb);
      }
      this.deSum += de;
      this.deCount++;
      if (de > this.deMax) this.deMax = de;
      if (over || zero) this.changedAt(x, y);
    }
  }

  private changedAt(x: number, y: number): void {
    this.changed++;
    this.cells.add(x, y);
    this.mark(x, y);
  }

  /** A changed pixel is red in the picture (any changed pixel of a scaled-down block makes it red). */
  private mark(x: number, y: number): void {
    const px = Math.min(this.pw - 1, Math.floor(x * this.scale));
    const py = Math.min(this.ph - 1, Math.floor(y * this.scale));
    this.marks[py * this.pw + px] = 1;
  }

  /** The canvas row picture row `py` shows. */
  private canvasRow(py: number): number {
    return Math.min(this.o.height - 1, Math.floor(py / this.scale));
  }

  /** The first picture row showing canvas row `y` or a later one (ph: none). */
  private firstPictureRow(y: number): number {
    let py = Math.min(this.ph, Math.ceil(y * this.scale));
    while (py > 0 && this.canvasRow(py - 1) >= y) py--;
    while (py < this.ph && this.canvasRow(py) < y) py++;
    return py;
  }

  /** The picture rows these canvas rows fall on: faded grey background (and before/after panels). */
  private drawRows(w: Window): void {
    const { width } = this.o;
    const pwid = this.picWidth();
    const left = (this.panels - 1) * (this.pw + PANEL_GAP);
    for (let py = this.firstPictureRow(w.y); py < this.ph; py++) {
      const y = this.canvasRow(py);
      if (y >= w.y + w.rows) break;
      const r = w.top + (y - w.y);
      const [aw, bw] = [this.span(this.o.a, y), this.span(this.o.b, y)];
      for (let px = 0; px < this.pw; px++) {
        const x = this.xmap[px]!;
        const k = (r * width + x) * 4;
        const diffAt = (py * pwid + left + px) * 4;
        let v = 255;
        if (x < bw) v = faded(w.b, k);
        else if (x < aw) v = faded(w.a, k);
        this.pic[diffAt] = this.pic[diffAt + 1] = this.pic[diffAt + 2] = v;
        if (this.panels === 3) {
          this.panel(py * pwid + px, w.a, k, x < aw);
          this.panel(py * pwid + this.pw + PANEL_GAP + px, w.b, k, x < bw);
        }
      }
    }
  }

  private panel(p: number, d: Uint8Array, k: number, covered: boolean): void {
    const o = p * 4;
    if (!covered) {
      this.pic.fill(238, o, o + 3);
      return;
    }
    const al = d[k + 3]! / 255;
    for (let c = 0; c < 3; c++) this.pic[o + c] = Math.round(d[k + c]! * al + 255 * (1 - al));
  }

  finish(maxRegions = 32): ComparerResult {
    const { regions, total } = this.cells.regions(maxRegions);
    const pwid = this.picWidth();
    const left = (this.panels - 1) * (this.pw + PANEL_GAP);
    const s = this.scale;
    for (let py = 0; py < this.ph; py++) {
      for (let px = 0, m = py * this.pw; px < this.pw; px++, m++) {
        if (!this.marks[m]) continue;
        const o = (py * pwid + left + px) * 4;
        this.pic[o] = CHANGED[0];
        this.pic[o + 1] = CHANGED[1];
        this.pic[o + 2] = CHANGED[2];
        this.pic[o + 3] = 255;
      }
    }
    for (const g of regions) {
      const x0 = Math.floor(g.x * s) - 2;
      const y0 = Math.floor(g.y * s) - 2;
      const x1 = Math.floor((g.x + g.width - 1) * s) + 2;
      const y1 = Math.floor((g.y + g.height - 1) * s) + 2;
      outline(this.pic, pwid, this.ph, left, this.pw, [x0, y0, x1, y1]);
    }
    return {
      changedPixels: this.changed,
      totalPixels: this.total,
      differingPixels: this.differing,
      deltaE: this.deCount ? { mean: this.deSum / this.deCount, max: this.deMax } : null,
      regions,
      regionsTotal: total,
      picture: {
        width: pwid,
        height: this.ph,
        data: this.pic,
        info: { format: 'png', bitDepth: 8, colorType: 'rgba' },
      },
      pictureScale: s,
    };
  }
}

/** The window with its 8-bit arrays at 4-byte aligned offsets (they are read as 32-bit words). */
function aligned(w: Window): Window {
  const fix = (d: Uint8Array) => (d.byteOffset & 3 ? new Uint8Array(d) : d);
  return w.a.byteOffset & 3 || w.b.byteOffset & 3 ? { ...w, a: fix(w.a), b: fix(w.b) } : w;
}

function sameAt(a: Uint16Array, b: Uint16Array, k: number): boolean {
  return a[k] === b[k] && a[k + 1] === b[k + 1] && a[k + 2] === b[k + 2] && a[k + 3] === b[k + 3];
}

/** A pixel as a faded grey over white (the diff picture's background). */
function faded(d: Uint8Array, k: number): number {
  const lum = 0.299 * d[k]! + 0.587 * d[k + 1]! + 0.114 * d[k + 2]!;
  const over = 255 - ((255 - lum) * d[k + 3]!) / 255;
  return Math.round(255 - (255 - over) * 0.3);
}

/** An orange box inside the diff panel (panel starts at column `left`, `pw` wide). */
function outline(
  d: Uint8Array,
  width: number,
  height: number,
  left: number,
  pw: number,
  [x0, y0, x1, y1]: [number, number, number, number],
): void {
  const put = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= pw || y >= height) return;
    const o = (y * width + left + x) * 4;
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
