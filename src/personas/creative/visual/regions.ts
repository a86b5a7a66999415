/** A rectangle of changed pixels: x, y of its top-left pixel, its size, and how many pixels in it changed. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly changed: number;
}

export interface RegionsResult {
  /** largest first (by changed pixels), at most `max` */
  readonly regions: readonly Region[];
  /** how many regions there were before the cap */
  readonly total: number;
}

/** A RegionCells' counts and boxes (to merge the cells of several threads). */
export interface CellData {
  readonly count: Float64Array;
  readonly x0: Int32Array;
  readonly y0: Int32Array;
  readonly x1: Int32Array;
  readonly y1: Int32Array;
}

/**
 * Changed pixels gathered on a grid of gap x gap cells: per cell, how many changed and the box
 * around them. Filled row by row (add), so a big picture needs no full-size mask.
 */
export class RegionCells {
  readonly gap: number;
  readonly cols: number;
  readonly rows: number;
  readonly count: Float64Array;
  readonly x0: Int32Array;
  readonly y0: Int32Array;
  readonly x1: Int32Array;
  readonly y1: Int32Array;

  constructor(width: number, height: number, gap?: number) {
    this.gap = Math.max(1, Math.floor(gap ?? Math.max(4, Math.round(Math.max(width, height) * 0.02))));
    this.cols = Math.ceil(width / this.gap);
    this.rows = Math.ceil(height / this.gap);
    const n = this.cols * this.rows;
    this.count = new Float64Array(n);
    this.x0 = new Int32Array(n).fill(width);
    this.y0 = new Int32Array(n).fill(height);
    this.x1 = new Int32Array(n).fill(-1);
    this.y1 = new Int32Array(n).fill(-1);
  }

  /** One changed pixel. */
  add(x: number, y: number): void {
    const c = Math.floor(y / this.gap) * this.cols + Math.floor(x / this.gap);
    this.count[c]! += 1;
    if (x < this.x0[c]!) this.x0[c] = x;
    if (x > this.x1[c]!) this.x1[c] = x;
    if (y < this.y0[c]!) this.y0[c] = y;
    if (y > this.y1[c]!) this.y1[c] = y;
  }

  data(): CellData {
    const { count, x0, y0, x1, y1 } = this;
    return { count, x0, y0, x1, y1 };
  }

  /** Add the cells of another RegionCells of the same size (changed pixels elsewhere on the canvas). */
  merge(d: CellData): void {
    if (d.count.length !== this.count.length) throw new Error('region cells of another size');
    for (let c = 0; c < d.count.length; c++) {
      if (!d.count[c]) continue;
      this.count[c]! += d.count[c]!;
      if (d.x0[c]! < this.x0[c]!) this.x0[c] = d.x0[c]!;
      if (d.y0[c]! < this.y0[c]!) this.y0[c] = d.y0[c]!;
      if (d.x1[c]! > this.x1[c]!) this.x1[c] = d.x1[c]!;
      if (d.y1[c]! > this.y1[c]!) this.y1[c] = d.y1[c]!;
    }
  }

  /**
   * Bounding boxes of the changed pixels: connected components of changed cells (8-connected, so
   * pixels closer than `gap` belong to one region and a brush stroke with holes is one box, not
   * hundreds), each measured exactly from its pixels; boxes that still overlap are merged.
   */
  regions(max = 32): RegionsResult {
    const { cols: cw, rows: ch } = this;
    const label = new Int32Array(cw * ch).fill(-1);
    const stack = new Int32Array(cw * ch);
    const boxes: Box[] = [];
    for (let i = 0; i < label.length; i++) {
      if (!this.count[i] || label[i] !== -1) continue;
      const box: Box = { x0: Infinity, y0: Infinity, x1: -1, y1: -1, c: 0 };
      let sp = 0;
      stack[sp++] = i;
      label[i] = boxes.length;
      while (sp) {
        const c = stack[--sp]!;
        this.grow(box, c);
        const cx = c % cw;
        const cy = (c - cx) / cw;
        for (let ny = Math.max(0, cy - 1); ny <= Math.min(ch - 1, cy + 1); ny++) {
          for (let nx = Math.max(0, cx - 1); nx <= Math.min(cw - 1, cx + 1); nx++) {
            const j = ny * cw + nx;
            if (this.count[j] && label[j] === -1) {
              label[j] = boxes.length;
              stack[sp++] = j;
            }
          }
        }
      }
      boxes.push(box);
    }
    const merged = mergeOverlapping(boxes).sort((a, b) => b.c - a.c || a.y0 - b.y0 || a.x0 - b.x0);
    return {
      total: merged.length,
      regions: merged
        .slice(0, max)
        .map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1, changed: b.c })),
    };
  }

  private grow(b: Box, c: number): void {
    b.c += this.count[c]!;
    b.x0 = Math.min(b.x0, this.x0[c]!);
    b.y0 = Math.min(b.y0, this.y0[c]!);
    b.x1 = Math.max(b.x1, this.x1[c]!);
    b.y1 = Math.max(b.y1, this.y1[c]!);
  }
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  c: number;
}

/** Boxes that overlap become one (components can interleave, e.g. an L around another). */
function mergeOverlapping(input: Box[]): Box[] {
  const boxes = [...input];
  for (let merged = true; merged && boxes.length > 1 && boxes.length <= 4096;) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1) {
          boxes[i] = {
            x0: Math.min(a.x0, b.x0),
            y0: Math.min(a.y0, b.y0),
            x1: Math.max(a.x1, b.x1),
            y1: Math.max(a.y1, b.y1),
            c: a.c + b.c,
          };
          boxes.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return boxes;
}

/**
 * Bounding boxes of the changed pixels in `mask` (non-zero = changed); see RegionCells.regions.
 * Pixels closer than `gap` (default 2% of the longer side, at least 4) belong to one region.
 */
export function changedRegions(
  mask: Uint8Array,
  width: number,
  height: number,
  opts: { gap?: number; max?: number } = {},
): RegionsResult {
  const cells = new RegionCells(width, height, opts.gap);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (mask[y * width + x]) cells.add(x, y);
  return cells.regions(opts.max);
}
