/**
 * The picture of a file Vault cannot preview (a .blend saved without a preview, a Basis Universal
 * texture, a damaged file): a grey card with the file's type written on it, so the timeline and the
 * TUI show that the file changed instead of showing nothing.
 */
import type { RgbaImage } from '../formats/images.js';

// a 3x5 pixel font: each glyph is 5 rows of 3 bits
const GLYPHS: Record<string, string> = {
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  G: '011100101101011',
  H: '101101111101101',
  I: '111010010010111',
  J: '001001001101010',
  K: '101101110101101',
  L: '100100100100111',
  M: '101111111101101',
  N: '110101101101101',
  O: '010101101101010',
  P: '110101110100100',
  Q: '010101101110011',
  R: '110101110101101',
  S: '011100010001110',
  T: '111010010010010',
  U: '101101101101111',
  V: '101101101101010',
  W: '101101111111101',
  X: '101101010101101',
  Y: '101101010010010',
  Z: '111001010100111',
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '110001010100111',
  '3': '110001010001110',
  '4': '101101111001001',
  '5': '111100110001110',
  '6': '011100111101111',
  '7': '111001010010010',
  '8': '111101111101111',
  '9': '111101111001110',
  '.': '000000000000010',
  '?': '110001010000010',
  ' ': '000000000000000',
};

/** A `width` x `height` card (default 128 x 96) with `label` (e.g. 'BLEND') and 'NO PREVIEW' under it. */
export function placeholderImage(label: string, width = 128, height = 96): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const edge = x < 2 || y < 2 || x >= width - 2 || y >= height - 2;
      data.set(edge ? [150, 150, 150, 255] : [224, 224, 224, 255], (y * width + x) * 4);
    }
  const text = (s: string, scale: number, y0: number) => {
    const chars = [...s.toUpperCase()].map((c) => GLYPHS[c] ?? GLYPHS['?']!);
    const x0 = Math.round((width - chars.length * 4 * scale + scale) / 2);
    chars.forEach((g, i) => {
      for (let p = 0; p < 15; p++) {
        if (g[p] !== '1') continue;
        const gx = x0 + (i * 4 + (p % 3)) * scale;
        const gy = y0 + Math.floor(p / 3) * scale;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) {
            const [x, y] = [gx + dx, gy + dy];
            if (x >= 0 && y >= 0 && x < width && y < height) data.set([70, 70, 70, 255], (y * width + x) * 4);
          }
      }
    });
  };
  const big = Math.max(1, Math.min(5, Math.floor((width - 16) / (Math.max(1, label.length) * 4))));
  text(label.slice(0, 8), big, Math.round(height / 2 - big * 5));
  text('NO PREVIEW', Math.max(1, Math.floor(big / 2)), Math.round(height / 2 + big * 2));
  return { width, height, data, info: { format: 'png', bitDepth: 8, colorType: 'rgba' } };
}

/** The label of a path's placeholder: its extension in capitals ('BLEND'), or 'FILE'. */
export function placeholderLabel(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toUpperCase() : 'FILE';
}
