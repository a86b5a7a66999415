/**
 * An image read a strip of rows at a time, so comparing and scaling big pictures needs memory for a
 * few rows, not for the whole picture. A decoded RgbaImage is a source too (one strip).
 */
import type { ImageInfo, RgbaImage } from './imageTypes.js';

/** Rows y..y+rows-1 of a source, RGBA. */
export interface Strip {
  readonly y: number;
  readonly rows: number;
  /** 8 bits per channel, rows * width * 4 samples */
  readonly data: Uint8Array;
  /** 16 bits per channel, when the source has them (16-bit PNG, PSD) */
  readonly data16?: Uint16Array;
}

export interface ImageSource {
  readonly width: number;
  readonly height: number;
  readonly info: ImageInfo;
  /** 16: strips carry data16 too */
  readonly depth: 8 | 16;
  /**
   * the rows, top to bottom, at most `maxRows` per strip; read once. `held`: the caller keeps at
   * most this many strips at a time (the one just handed out included), so the source may reuse the
   * buffers of older ones (fewer big allocations: less garbage collection); default: every strip is new
   */
  strips(maxRows: number, held?: number): AsyncIterable<Strip>;
}

/** 16-bit sample to 8 bits, rounded. */
export function to8(v: number): number {
  return ((v * 255 + 32767) / 65535) | 0;
}

export function sourceOf(img: RgbaImage): ImageSource {
  const row = img.width * 4;
  return {
    width: img.width,
    height: img.height,
    info: img.info,
    depth: img.data16 ? 16 : 8,
    async *strips(maxRows: number) {
      for (let y = 0; y < img.height; y += maxRows) {
        const rows = Math.min(maxRows, img.height - y);
        yield {
          y,
          rows,
          data: img.data.subarray(y * row, (y + rows) * row),
          ...(img.data16 ? { data16: img.data16.subarray(y * row, (y + rows) * row) } : {}),
        };
      }
    },
  };
}

/** All rows of a source in one picture (mind the size: for thumbnails and small images). */
export async function readAll(src: ImageSource): Promise<RgbaImage> {
  const data = new Uint8Array(src.width * src.height * 4);
  const data16 = src.depth === 16 ? new Uint16Array(src.width * src.height * 4) : undefined;
  for await (const s of src.strips(256)) {
    data.set(s.data, s.y * src.width * 4);
    if (data16 && s.data16) data16.set(s.data16, s.y * src.width * 4);
  }
  return { width: src.width, height: src.height, data, ...(data16 ? { data16 } : {}), info: src.info };
}

/**
 * `src` scaled to width x height by area averaging (each output pixel is the coverage-weighted mean
 * of the source pixels under it; colour weighted by alpha so transparent pixels do not darken
 * edges), streamed: it holds one output strip of sums. Scaling up repeats pixels the same way.
 */
export function resampled(src: ImageSource, width: number, height: number): ImageSource {
  if (width === src.width && height === src.height) return src;
  const fx = src.width / width;
  const fy = src.height / height;
  const deep = src.depth === 16;
  // source column x covers output columns [x/fx, (x+1)/fx): the (at most few) output columns and their weights
  const cols: { o: number; w: number }[][] = Array.from({ length: src.width }, (_, x) => spans(x, fx, width));
  return {
    width,
    height,
    info: src.info,
    depth: src.depth,
    async *strips(maxRows: number) {
      const acc = new Float64Array(width * 5 * maxRows); // r*a, g*a, b*a, a, area per output pixel
      let first = 0; // first output row in acc
      const flush = (upto: number): Strip | null => {
        const rows = Math.min(upto, height) - first;
        if (rows <= 0) return null;
        const data = new Uint8Array(rows * width * 4);
        const data16 = deep ? new Uint16Array(rows * width * 4) : undefined;
        for (let p = 0; p < rows * width; p++) averaged(acc, p, data, data16);
        const s: Strip = { y: first, rows, data, ...(data16 ? { data16 } : {}) };
        acc.fill(0);
        first += rows;
        return s;
      };
      for await (const s of src.strips(Math.max(1, Math.ceil(fy)))) {
        for (let r = 0; r < s.rows; r++) {
          for (const { o: oy, w: wy } of spans(s.y + r, fy, height)) {
            while (oy >= first + maxRows) {
              const out = flush(first + maxRows);
              if (out) yield out;
            }
            addRow(acc, (oy - first) * width, s, r * src.width * 4, cols, wy, deep);
          }
        }
      }
      const last = flush(height);
      if (last) yield last;
    },
  };
}

/** The output cells source index i (of size f per output cell) overlaps, with the overlap as weight. */
function spans(i: number, f: number, n: number): { o: number; w: number }[] {
  const a = i / f;
  const b = (i + 1) / f;
  const out: { o: number; w: number }[] = [];
  for (let o = Math.floor(a); o < Math.min(n, Math.ceil(b)); o++)
    out.push({ o, w: Math.min(b, o + 1) - Math.max(a, o) });
  return out;
}

function addRow(
  acc: Float64Array,
  base: number,
  s: Strip,
  at: number,
  cols: readonly { o: number; w: number }[][],
  wy: number,
  deep: boolean,
): void {
  const d = deep && s.data16 ? s.data16 : s.data;
  for (let x = 0; x < cols.length; x++) {
    const i = at + x * 4;
    const a = d[i + 3]!;
    for (const { o, w } of cols[x]!) {
      const k = (base + o) * 5;
      const wa = a * w * wy;
      acc[k]! += d[i]! * wa;
      acc[k + 1]! += d[i + 1]! * wa;
      acc[k + 2]! += d[i + 2]! * wa;
      acc[k + 3]! += wa;
      acc[k + 4]! += w * wy;
    }
  }
}

function averaged(acc: Float64Array, p: number, data: Uint8Array, data16: Uint16Array | undefined): void {
  const k = p * 5;
  const a = acc[k + 3]!;
  const area = acc[k + 4]! || 1;
  const px = a > 0 ? [acc[k]! / a, acc[k + 1]! / a, acc[k + 2]! / a, a / area] : [0, 0, 0, 0];
  for (let c = 0; c < 4; c++) {
    const v = Math.round(px[c]!);
    if (data16) {
      data16[p * 4 + c] = v;
      data[p * 4 + c] = to8(v);
    } else data[p * 4 + c] = v;
  }
}
