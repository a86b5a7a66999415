/**
 * Colour difference ΔE*ab (CIE 1976: the distance between two colours in CIELAB, D65 white; about
 * 2.3 is a just noticeable difference, 1 is invisible to most people), between RGBA pixels of 8 or
 * 16 bits per channel as they look over white: a transparent pixel is white, whatever its stored
 * colour, so only what shows counts.
 *
 * Fast enough for a 67-megapixel image: linear-light tables per channel value, a table with
 * interpolation for the cube root, and a cache of the last colours seen (flat areas repeat).
 */

/** sRGB (0..1) to linear light. */
function toLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const LINEAR8 = Float64Array.from({ length: 256 }, (_, i) => toLinear(i / 255));
let linear16: Float64Array | null = null;
function linearTable16(): Float64Array {
  linear16 ??= Float64Array.from({ length: 65536 }, (_, i) => toLinear(i / 65535));
  return linear16;
}

// f(t) of CIELAB: t^(1/3) above (6/29)^3, linear below; tabulated on [0, 1.25] (X/Xn can pass 1 slightly)
const CBRT_STEPS = 16384;
const CBRT_MAX = 1.25;
const CBRT = Float64Array.from({ length: CBRT_STEPS + 2 }, (_, i) => labF((i * CBRT_MAX) / CBRT_STEPS));
function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116;
}
function fLut(t: number): number {
  if (t >= CBRT_MAX || t < 0) return labF(t);
  const x = (t * CBRT_STEPS) / CBRT_MAX;
  const i = x | 0;
  return CBRT[i]! + (CBRT[i + 1]! - CBRT[i]!) * (x - i);
}

// D65 white point
const XN = 0.95047;
const ZN = 1.08883;

/** L*, a*, b* of linear-light r, g, b. */
function lab(r: number, g: number, b: number, out: Float64Array, at: number): void {
  const fx = fLut((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN);
  const fy = fLut(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
  const fz = fLut((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / ZN);
  out[at] = 116 * fy - 16;
  out[at + 1] = 500 * (fx - fy);
  out[at + 2] = 200 * (fy - fz);
}

/** Linear-light value of channel `v` (of `max`) over white with alpha `a` (0..1). */
function overWhite(lin: number, a: number): number {
  return lin * a + (1 - a);
}

/**
 * ΔE*ab between pixels of two RGBA arrays of the same depth, at sample offsets `i` and `j`.
 * One instance per comparison (it keeps a small colour cache).
 */
export class DeltaE {
  private readonly lin: Float64Array;
  private readonly max: number;
  private readonly cacheRg = new Float64Array(4096).fill(-1);
  private readonly cacheBa = new Float64Array(4096).fill(-1);
  private readonly cacheLab = new Float64Array(4096 * 3);
  private readonly tmp = new Float64Array(6);

  constructor(depth: 8 | 16) {
    this.lin = depth === 16 ? linearTable16() : LINEAR8;
    this.max = depth === 16 ? 65535 : 255;
  }

  /** Lab of one pixel into tmp[at..at+2]. */
  private labOf(d: ArrayLike<number>, i: number, at: number): void {
    const r = d[i]!;
    const g = d[i + 1]!;
    const b = d[i + 2]!;
    const a = d[i + 3]!;
    const rg = r * 65536 + g;
    const ba = b * 65536 + a;
    const slot = (Math.imul(rg ^ Math.imul(ba, 31), 0x9e3779b1) >>> 20) & 4095;
    if (this.cacheRg[slot] === rg && this.cacheBa[slot] === ba) {
      this.tmp[at] = this.cacheLab[slot * 3]!;
      this.tmp[at + 1] = this.cacheLab[slot * 3 + 1]!;
      this.tmp[at + 2] = this.cacheLab[slot * 3 + 2]!;
      return;
    }
    const al = a / this.max;
    const { lin } = this;
    if (al >= 1) lab(lin[r]!, lin[g]!, lin[b]!, this.tmp, at);
    else lab(overWhite(lin[r]!, al), overWhite(lin[g]!, al), overWhite(lin[b]!, al), this.tmp, at);
    this.cacheRg[slot] = rg;
    this.cacheBa[slot] = ba;
    this.cacheLab[slot * 3] = this.tmp[at]!;
    this.cacheLab[slot * 3 + 1] = this.tmp[at + 1]!;
    this.cacheLab[slot * 3 + 2] = this.tmp[at + 2]!;
  }

  /** ΔE*ab of pixel `i` of `x` against pixel `j` of `y` (sample offsets, RGBA). */
  between(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number): number {
    this.labOf(x, i, 0);
    this.labOf(y, j, 3);
    const t = this.tmp;
    return Math.hypot(t[0]! - t[3]!, t[1]! - t[4]!, t[2]! - t[5]!);
  }
}
