/**
 * The flattened picture of a PSD's layers, composited the way Photoshop does for what ag-psd reads:
 * visibility (a hidden group hides everything in it), opacity and fill opacity, raster layer masks,
 * clipping masks (clipped layers drawn "atop" their base, blended as a group with the base's mode),
 * groups (pass through, or isolated with their own blend mode and opacity) and the blend modes of
 * the W3C compositing spec plus Photoshop's linear/vivid/pin light, hard mix, subtract, divide and
 * darker/lighter colour. What cannot be reproduced from the file alone (layer effects, adjustment
 * layers, vector masks, dissolve) is named in `unsupported`: the picture is then approximate.
 *
 * ag-psd reads layers but does not composite them; no maintained npm library does it in Node
 * (ImageMagick's flatten, used by the tests as the reference, ignores group visibility).
 */
import type { Layer, Psd } from 'ag-psd';

export interface PsdComposite {
  /** RGBA8, width * height * 4 */
  readonly data: Uint8ClampedArray;
  /** what the picture does not reproduce ('layer effects', 'adjustment layers', ...); empty: exact */
  readonly unsupported: ReadonlySet<string>;
}

type Rgb = [number, number, number];
type Separable = (b: number, s: number) => number;

const screen: Separable = (b, s) => b + s - b * s;
const hardLight: Separable = (b, s) => (s <= 0.5 ? b * 2 * s : screen(b, 2 * s - 1));
const colorDodge: Separable = (b, s) => {
  if (b === 0) return 0;
  return s >= 1 ? 1 : Math.min(1, b / (1 - s));
};
const colorBurn: Separable = (b, s) => {
  if (b >= 1) return 1;
  return s <= 0 ? 0 : 1 - Math.min(1, (1 - b) / s);
};
const softLight: Separable = (b, s) => {
  if (s <= 0.5) return b - (1 - 2 * s) * b * (1 - b);
  const d = b <= 0.25 ? ((16 * b - 12) * b + 4) * b : Math.sqrt(b);
  return b + (2 * s - 1) * (d - b);
};

const SEPARABLE: Record<string, Separable> = {
  normal: (_b, s) => s,
  multiply: (b, s) => b * s,
  screen,
  overlay: (b, s) => hardLight(s, b),
  darken: Math.min,
  lighten: Math.max,
  'color dodge': colorDodge,
  'color burn': colorBurn,
  'hard light': hardLight,
  'soft light': softLight,
  difference: (b, s) => Math.abs(b - s),
  exclusion: (b, s) => b + s - 2 * b * s,
  'linear dodge': (b, s) => Math.min(1, b + s),
  'linear burn': (b, s) => Math.max(0, b + s - 1),
  'linear light': (b, s) => Math.min(1, Math.max(0, b + 2 * s - 1)),
  'vivid light': (b, s) => (s <= 0.5 ? colorBurn(b, 2 * s) : colorDodge(b, 2 * s - 1)),
  'pin light': (b, s) => (s <= 0.5 ? Math.min(b, 2 * s) : Math.max(b, 2 * s - 1)),
  'hard mix': (b, s) => (b + s >= 1 ? 1 : 0),
  subtract: (b, s) => Math.max(0, b - s),
  divide: (b, s) => (s <= 0 ? 1 : Math.min(1, b / s)),
};

const lum = (c: Rgb) => 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];
function clipColor(c: Rgb): Rgb {
  const l = lum(c);
  const n = Math.min(...c);
  const x = Math.max(...c);
  let out = c;
  if (n < 0) out = out.map((v) => l + ((v - l) * l) / (l - n)) as Rgb;
  if (x > 1) out = out.map((v) => l + ((v - l) * (1 - l)) / (x - l)) as Rgb;
  return out;
}
function setLum(c: Rgb, l: number): Rgb {
  const d = l - lum(c);
  return clipColor([c[0] + d, c[1] + d, c[2] + d]);
}
const sat = (c: Rgb) => Math.max(...c) - Math.min(...c);
function setSat(c: Rgb, s: number): Rgb {
  const max = Math.max(...c);
  const min = Math.min(...c);
  if (max <= min) return [0, 0, 0];
  return c.map((v) => ((v - min) * s) / (max - min)) as Rgb;
}

const NON_SEPARABLE: Record<string, (b: Rgb, s: Rgb) => Rgb> = {
  hue: (b, s) => setLum(setSat(s, sat(b)), lum(b)),
  saturation: (b, s) => setLum(setSat(b, sat(s)), lum(b)),
  color: (b, s) => setLum(s, lum(b)),
  luminosity: (b, s) => setLum(b, lum(s)),
  'darker color': (b, s) => (lum(s) < lum(b) ? s : b),
  'lighter color': (b, s) => (lum(s) > lum(b) ? s : b),
};

/** The blend function B(backdrop, source) of a mode, for the three colour channels at once. */
function blendOf(mode: string): (b: Rgb, s: Rgb) => Rgb {
  const ns = NON_SEPARABLE[mode];
  if (ns) return ns;
  const f = SEPARABLE[mode] ?? SEPARABLE.normal!;
  return (b, s) => [f(b[0], s[0]), f(b[1], s[1]), f(b[2], s[2])];
}

/** A picture on the canvas: RGBA8 of `width` x `height` at `left`, `top`. */
interface Pixels {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * Draw `src` onto `dst` (a canvas-sized RGBA8 buffer) with a blend mode and an opacity, W3C style:
 * Cs' = (1 - ab) Cs + ab B(Cb, Cs); co = as Cs' + (1 - as) ab Cb; ao = as + ab (1 - as).
 * `atop`: the result keeps dst's alpha (a clipped layer on its base).
 */
function drawOnto(
  dst: Uint8ClampedArray,
  dw: number,
  dh: number,
  src: Pixels,
  mode: string,
  opacity: number,
  atop = false,
): void {
  const blend = blendOf(mode);
  const plain = mode === 'normal' || mode === 'pass through';
  const b: Rgb = [0, 0, 0];
  const s: Rgb = [0, 0, 0];
  for (let y = Math.max(0, -src.top); y < src.height; y++) {
    const dy = y + src.top;
    if (dy >= dh) break;
    for (let x = Math.max(0, -src.left); x < src.width; x++) {
      const dx = x + src.left;
      if (dx >= dw) break;
      const i = (y * src.width + x) * 4;
      const as = (src.data[i + 3]! / 255) * opacity;
      if (as <= 0) continue;
      const d = (dy * dw + dx) * 4;
      const ab = dst[d + 3]! / 255;
      if (atop && ab <= 0) continue;
      for (let c = 0; c < 3; c++) {
        b[c] = dst[d + c]! / 255;
        s[c] = src.data[i + c]! / 255;
      }
      const mixed = plain ? s : blend(b, s);
      const ao = atop ? ab : as + ab * (1 - as);
      for (let c = 0; c < 3; c++) {
        const cs = (1 - ab) * s[c]! + ab * mixed[c]!;
        const co = atop ? as * mixed[c]! + (1 - as) * b[c]! : (as * cs + (1 - as) * ab * b[c]!) / ao;
        dst[d + c] = Math.round(co * 255);
      }
      dst[d + 3] = Math.round(ao * 255);
    }
  }
}

/** Layer samples of any depth (8, 16, 32-bit float) as RGBA8, a fresh copy. */
function rgba8(d: ArrayLike<number>): Uint8ClampedArray {
  if (d instanceof Uint16Array) return Uint8ClampedArray.from(d, (v) => (v * 255 + 32767) / 65535);
  if (d instanceof Float32Array) return Uint8ClampedArray.from(d, (v) => v * 255);
  return Uint8ClampedArray.from(d);
}

/** A raster layer's pixels with its layer mask applied, or null when it has none. */
function layerPixels(l: Layer): Pixels | null {
  const img = l.imageData;
  if (!img || !img.width || !img.height) return null;
  const data = rgba8(img.data);
  const left = l.left ?? 0;
  const top = l.top ?? 0;
  const m = l.mask;
  if (m && !m.disabled && m.imageData) {
    const ml = m.left ?? 0;
    const mt = m.top ?? 0;
    const mw = m.imageData.width;
    const mh = m.imageData.height;
    const outside = (m.defaultColor ?? 0) / 255;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const mx = x + left - ml;
        const my = y + top - mt;
        const inside = mx >= 0 && my >= 0 && mx < mw && my < mh;
        const v = inside ? maskAt(m.imageData.data, (my * mw + mx) * 4) : outside;
        const i = (y * img.width + x) * 4 + 3;
        data[i] = Math.round(data[i]! * v);
      }
    }
  }
  return { left, top, width: img.width, height: img.height, data };
}

function maskAt(d: ArrayLike<number>, i: number): number {
  if (d instanceof Uint16Array) return d[i]! / 65535;
  if (d instanceof Float32Array) return d[i]!;
  return d[i]! / 255;
}

function notes(l: Layer, out: Set<string>): void {
  const fx = l.effects as Record<string, unknown> | undefined;
  if (fx && Object.entries(fx).some(([k, v]) => k !== 'scale' && v && (v as { enabled?: boolean }).enabled !== false))
    out.add('layer effects');
  if (l.adjustment) out.add('adjustment layers');
  if (l.vectorMask && !l.vectorMask.disable) out.add('vector masks');
  if (l.blendMode === 'dissolve') out.add("blend mode 'dissolve'");
}

/** Draw a group's children (bottom to top) onto `dst`. */
function drawChildren(children: readonly Layer[], dst: Uint8ClampedArray, psd: Psd, unsupported: Set<string>): void {
  const { width: w, height: h } = psd;
  for (let i = 0; i < children.length; i++) {
    const l = children[i]!;
    // the layers clipped to this one follow it
    let j = i + 1;
    while (j < children.length && children[j]!.clipping) j++;
    const clipped = children.slice(i + 1, j);
    if (l.hidden) {
      i = j - 1;
      continue;
    }
    notes(l, unsupported);
    const opacity = (l.opacity ?? 1) * (l.children ? 1 : (l.fillOpacity ?? 1));
    const mode = l.blendMode ?? (l.children ? 'pass through' : 'normal');
    let own: Pixels | null;
    if (l.children && mode === 'pass through' && !clipped.some((c) => !c.hidden)) {
      const copy = opacity < 1 ? Uint8ClampedArray.from(dst) : dst;
      drawChildren(l.children, copy, psd, unsupported);
      if (copy !== dst)
        for (let k = 0; k < dst.length; k++) dst[k] = Math.round(dst[k]! + (copy[k]! - dst[k]!) * opacity);
      i = j - 1;
      continue;
    }
    if (l.children) {
      const iso = new Uint8ClampedArray(w * h * 4);
      drawChildren(l.children, iso, psd, unsupported);
      own = { left: 0, top: 0, width: w, height: h, data: iso };
    } else own = layerPixels(l);
    if (own && clipped.length) {
      const group = { ...own, data: Uint8ClampedArray.from(own.data) };
      for (const c of clipped) {
        if (c.hidden) continue;
        notes(c, unsupported);
        const cp = c.children ? null : layerPixels(c);
        if (!cp) continue;
        // the clipped layer on the base, in the base's coordinates
        const at = { ...cp, left: cp.left - own.left, top: cp.top - own.top };
        drawOnto(
          group.data,
          own.width,
          own.height,
          at,
          c.blendMode ?? 'normal',
          (c.opacity ?? 1) * (c.fillOpacity ?? 1),
          true,
        );
      }
      own = group;
    }
    if (own) drawOnto(dst, w, h, own, mode === 'pass through' ? 'normal' : mode, opacity);
    i = j - 1;
  }
}

/** The composite of a PSD read by ag-psd with `useImageData` (8-bit layer pixels). */
export function compositePsd(psd: Psd): PsdComposite {
  const data = new Uint8ClampedArray(psd.width * psd.height * 4);
  const unsupported = new Set<string>();
  drawChildren(psd.children ?? [], data, psd, unsupported);
  return { data, unsupported };
}
