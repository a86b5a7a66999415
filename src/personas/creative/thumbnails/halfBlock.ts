import type { Pixels } from './render.js';

/**
 * Pictures in a terminal. Each character cell shows two pixels stacked: the
 * upper half block `▀` in the top pixel's colour (24-bit foreground) over the
 * bottom pixel's colour (background). Transparent pixels show the terminal's
 * own background. Without colour, cells become a brightness ramp of ASCII
 * characters, so a shape is still recognisable.
 *
 * Every returned line is exactly `cols` cells wide (escape codes aside), so
 * callers can put pictures side by side by padding with spaces.
 */

const ESC = '\x1b[';
const RAMP = ' .:-=+*#%@';
/** alpha below this is "transparent" in a cell */
const SEE_THROUGH = 96;

/** Area-average resample to w x h (nearest pixel when enlarging). */
export function sample(img: Pixels, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  const fx = img.width / w;
  const fy = img.height / h;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * fy);
    const y1 = Math.max(y0 + 1, Math.min(img.height, Math.floor((y + 1) * fy)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * fx);
      const x1 = Math.max(x0 + 1, Math.min(img.width, Math.floor((x + 1) * fx)));
      let r = 0,
        g = 0,
        b = 0,
        a = 0,
        n = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const k = (sy * img.width + sx) * 4;
          // a pixel past the end of a short buffer counts as transparent
          const al = img.data[k + 3] ?? 0;
          r += (img.data[k] ?? 0) * al;
          g += (img.data[k + 1] ?? 0) * al;
          b += (img.data[k + 2] ?? 0) * al;
          a += al;
          n++;
        }
      }
      const o = (y * w + x) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
        out[o + 3] = Math.round(a / n);
      }
    }
  }
  return out;
}

/** How many text rows `halfBlockLines(img, cols)` returns. */
export function halfBlockRows(img: Pick<Pixels, 'width' | 'height'>, cols: number): number {
  const w = Math.max(1, Math.floor(cols));
  const h = Math.max(1, Math.round((img.height * w) / Math.max(1, img.width)));
  return Math.ceil(h / 2);
}

/**
 * The picture as text lines `cols` cells wide; the height keeps the aspect
 * ratio (two pixels per cell, terminal cells being about twice as tall as wide).
 * `color`: true or 'truecolor': 24-bit colour half blocks; '256': the nearest of the
 * xterm 256-colour palette (terminals without 24-bit colour, e.g. macOS Terminal);
 * false: an ASCII brightness ramp.
 */
export function halfBlockLines(img: Pixels, cols: number, color: boolean | 'truecolor' | '256'): string[] {
  const c256 = color === '256';
  if (img.width < 1 || img.height < 1) return [];
  const w = Math.max(1, Math.floor(cols));
  const rows = halfBlockRows(img, w);
  const samples = sample(img, w, rows * 2);
  const px = (k: number) => samples[k]!; // k < w * rows * 2 * 4, the size of `samples`
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = '';
    let state = `${ESC}0m`;
    for (let x = 0; x < w; x++) {
      const t = (row * 2 * w + x) * 4;
      const b = ((row * 2 + 1) * w + x) * 4;
      const topOn = px(t + 3) >= SEE_THROUGH;
      const botOn = px(b + 3) >= SEE_THROUGH;
      if (!color) {
        if (!topOn && !botOn) {
          line += ' ';
          continue;
        }
        const lum = (k: number, on: boolean) => (on ? 0.2126 * px(k) + 0.7152 * px(k + 1) + 0.0722 * px(k + 2) : 0);
        const l = (lum(t, topOn) + lum(b, botOn)) / (Number(topOn) + Number(botOn));
        line += RAMP[Math.max(1, Math.min(RAMP.length - 1, Math.round((l / 255) * (RAMP.length - 1))))];
        continue;
      }
      const rgb = (k: number) =>
        c256 ? `5;${xterm256(px(k), px(k + 1), px(k + 2))}` : `2;${px(k)};${px(k + 1)};${px(k + 2)}`;
      let want: string;
      let ch: string;
      if (topOn && botOn) {
        want = `${ESC}38;${rgb(t)}m${ESC}48;${rgb(b)}m`;
        ch = '▀';
      } else if (topOn) {
        want = `${ESC}38;${rgb(t)}m${ESC}49m`;
        ch = '▀';
      } else if (botOn) {
        want = `${ESC}38;${rgb(b)}m${ESC}49m`;
        ch = '▄';
      } else {
        want = `${ESC}0m`;
        ch = ' ';
      }
      if (want !== state) {
        line += want;
        state = want;
      }
      line += ch;
    }
    if (color && state !== `${ESC}0m`) line += `${ESC}0m`;
    lines.push(line);
  }
  return lines;
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** The nearest colour of the xterm 256-colour palette: the 6x6x6 cube (16-231) or the grey ramp (232-255). */
export function xterm256(r: number, g: number, b: number): number {
  const level = (v: number) => {
    if (v < 48) return 0;
    return v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40));
  };
  const [lr, lg, lb] = [level(r), level(g), level(b)];
  const cube = 16 + 36 * lr + 6 * lg + lb;
  const cubeDist = (CUBE[lr]! - r) ** 2 + (CUBE[lg]! - g) ** 2 + (CUBE[lb]! - b) ** 2;
  const mean = (r + g + b) / 3;
  const gi = Math.max(0, Math.min(23, Math.round((mean - 8) / 10)));
  const gv = 8 + 10 * gi;
  const greyDist = (gv - r) ** 2 + (gv - g) ** 2 + (gv - b) ** 2;
  return greyDist < cubeDist ? 232 + gi : cube;
}

/** The visible width of a line (ANSI colour codes removed). */
export function visibleWidth(line: string): number {
  // eslint-disable-next-line no-control-regex
  return [...line.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
