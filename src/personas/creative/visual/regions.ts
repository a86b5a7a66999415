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

/**
 * Bounding boxes of the changed pixels in `mask` (non-zero = changed): connected components of
 * changed pixels, where pixels closer than `gap` count as connected (so a brush stroke with holes,
 * or specks next to each other, give one region, not hundreds). Works on a grid of gap x gap cells
 * (a cell is changed when any pixel in it is), 8-connected, then measures each component's exact
 * box from its pixels; boxes that still overlap are merged. O(pixels).
 */
export function changedRegions(
  mask: Uint8Array,
  width: number,
  height: number,
  opts: { gap?: number; max?: number } = {},
): RegionsResult {
  const gap = Math.max(1, Math.floor(opts.gap ?? Math.max(4, Math.round(Math.max(width, height) * 0.02))));
  const max = opts.max ?? 32;
  const cw = Math.ceil(width / gap);
  const ch = Math.ceil(height / gap);
  const cells = new Uint8Array(cw * ch);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const crow = Math.floor(y / gap) * cw;
    for (let x = 0; x < width; x++) if (mask[row + x]) cells[crow + Math.floor(x / gap)] = 1;
  }
  // label cells (8-connected), iterative flood fill
  const label = new Int32Array(cw * ch).fill(-1);
  const stack = new Int32Array(cw * ch);
  let n = 0;
  for (let i = 0; i < cells.length; i++) {
    if (!cells[i] || label[i] !== -1) continue;
    let sp = 0;
    stack[sp++] = i;
    label[i] = n;
    while (sp) {
      const c = stack[--sp]!;
      const cx = c % cw;
      const cy = (c - cx) / cw;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = cy + dy;
        if (ny < 0 || ny >= ch) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          if (nx < 0 || nx >= cw) continue;
          const j = ny * cw + nx;
          if (cells[j] && label[j] === -1) {
            label[j] = n;
            stack[sp++] = j;
          }
        }
      }
    }
    n++;
  }
  const x0 = new Int32Array(n).fill(width);
  const y0 = new Int32Array(n).fill(height);
  const x1 = new Int32Array(n).fill(-1);
  const y1 = new Int32Array(n).fill(-1);
  const count = new Float64Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const crow = Math.floor(y / gap) * cw;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      const l = label[crow + Math.floor(x / gap)]!;
      if (x < x0[l]!) x0[l] = x;
      if (x > x1[l]!) x1[l] = x;
      if (y < y0[l]!) y0[l] = y;
      if (y > y1[l]!) y1[l] = y;
      count[l]! += 1;
    }
  }
  let boxes = Array.from({ length: n }, (_, l) => ({ x0: x0[l]!, y0: y0[l]!, x1: x1[l]!, y1: y1[l]!, c: count[l]! }));
  // merge boxes that overlap (components can interleave, e.g. an L around another)
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
  boxes = boxes.sort((a, b) => b.c - a.c || a.y0 - b.y0 || a.x0 - b.x0);
  return {
    total: boxes.length,
    regions: boxes
      .slice(0, max)
      .map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1, changed: b.c })),
  };
}
