/**
 * Colour difference ΔE*ab (CIE 1976: the distance between two colours in CIELAB, D65 white; about
 * 2.3 is a just noticeable difference, 1 is invisible to most people), between RGBA pixels of 8 or
 * 16 bits per channel as they look over white: a transparent pixel is white, whatever its stored
 * colour, so only what shows counts.
 *
 * Fast enough for a 67-megapixel image: linear-light tables per channel value (8 bits: the XYZ
 * contribution of each channel value), a table with interpolation for the cube root, and a cache of
 * the colours seen (images repeat colours); 8-bit pixels are looked up by their 32-bit RGBA word.
 */

/** sRGB (0..1) to linear light. */
function toLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const LINEAR8 = Float64Array.from({ length: 256 }, (_, i) => toLinear(i / 255));
// X, Y, Z of each 8-bit channel value (linear light times lab()'s matrix: the same products, so the same sums)
const row8 = (m: number) => LINEAR8.map((v) => m * v);
const [XR, XG, XB] = [row8(0.4124564), row8(0.3575761), row8(0.1804375)];
const [YR, YG, YB] = [row8(0.2126729), row8(0.7151522), row8(0.072175)];
const [ZR, ZG, ZB] = [row8(0.0193339), row8(0.119192), row8(0.9503041)];
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

const CACHE_BITS = 16;
const CACHE_SIZE = 1 << CACHE_BITS;
// 4,096 colours: small enough to stay in the CPU's cache (a 65,536-entry table made noisy images,
// where nearly every lookup misses, half again slower on a busy machine)
const WORD_BITS = 12;
const WORD_SIZE = 1 << WORD_BITS;

/**
 * ΔE*ab between pixels of two RGBA arrays of the same depth, at sample offsets `i` and `j`.
 * One instance per comparison (it keeps a cache of the colours seen: images repeat colours).
 */
export class DeltaE {
  private readonly lin: Float64Array;
  private readonly max: number;
  // direct-mapped cache: key (r, g, b, a) packed in two numbers, value L*, a*, b*
  private readonly keyHi = new Float64Array(CACHE_SIZE).fill(-1);
  private readonly keyLo = new Float64Array(CACHE_SIZE).fill(-1);
  private readonly cached = new Float64Array(CACHE_SIZE * 3);
  private readonly tmp = new Float64Array(3);
  // 8 bits: direct-mapped cache keyed by the pixel's RGBA word. Word w lives in slot hash(w); an empty
  // slot holds key 0, which only word 0 could match, and word 0 hashes to slot 0, which starts with key 1
  private readonly words = new Uint32Array(WORD_SIZE);
  private readonly wordLab = new Float64Array(WORD_SIZE * 3);

  constructor(depth: 8 | 16) {
    this.lin = depth === 16 ? linearTable16() : LINEAR8;
    this.max = depth === 16 ? 65535 : 255;
    this.words[0] = 1;
  }

  /** The offset in wordLab of the Lab of the 8-bit pixel at `k` of `d`, whose RGBA word is `word`. */
  private word(d: Uint8Array, k: number, word: number): number {
    const s = Math.imul(word, 0x9e3779b1) >>> (32 - WORD_BITS);
    const o = s * 3;
    if (this.words[s] === word) return o;
    this.words[s] = word;
    const r = d[k]!;
    const g = d[k + 1]!;
    const b = d[k + 2]!;
    const a = d[k + 3]!;
    const c = this.wordLab;
    if (a === 255) {
      const fx = fLut((XR[r]! + XG[g]! + XB[b]!) / XN);
      const fy = fLut(YR[r]! + YG[g]! + YB[b]!);
      const fz = fLut((ZR[r]! + ZG[g]! + ZB[b]!) / ZN);
      c[o] = 116 * fy - 16;
      c[o + 1] = 500 * (fx - fy);
      c[o + 2] = 200 * (fy - fz);
    } else {
      const al = a / 255;
      lab(overWhite(LINEAR8[r]!, al), overWhite(LINEAR8[g]!, al), overWhite(LINEAR8[b]!, al), c, o);
    }
    return o;
  }

  /**
   * ΔE*ab of the 8-bit pixels at sample offset `k` of `x` and `y`, whose RGBA words (as read
   * through a Uint32Array) are `wx` and `wy` (an instance made for depth 8).
   */
  between8(x: Uint8Array, y: Uint8Array, k: number, wx: number, wy: number): number {
    const c = this.wordLab;
    const p = this.word(x, k, wx);
    const L1 = c[p]!;
    const A1 = c[p + 1]!;
    const B1 = c[p + 2]!;
    const q = this.word(y, k, wy);
    const dl = L1 - c[q]!;
    const da = A1 - c[q + 1]!;
    const db = B1 - c[q + 2]!;
    return Math.sqrt(dl * dl + da * da + db * db);
  }

  /** The cache slot holding the Lab of this colour (computed on a miss). */
  private slot(r: number, g: number, b: number, a: number): number {
    const hi = r * 65536 + g;
    const lo = b * 65536 + a;
    const s = (Math.imul(hi ^ Math.imul(lo, 0x2c1b3c6d), 0x9e3779b1) >>> (32 - CACHE_BITS)) & (CACHE_SIZE - 1);
    if (this.keyHi[s] === hi && this.keyLo[s] === lo) return s;
    const { lin } = this;
    const al = a / this.max;
    if (al >= 1) lab(lin[r]!, lin[g]!, lin[b]!, this.tmp, 0);
    else lab(overWhite(lin[r]!, al), overWhite(lin[g]!, al), overWhite(lin[b]!, al), this.tmp, 0);
    this.keyHi[s] = hi;
    this.keyLo[s] = lo;
    this.cached[s * 3] = this.tmp[0]!;
    this.cached[s * 3 + 1] = this.tmp[1]!;
    this.cached[s * 3 + 2] = this.tmp[2]!;
    return s;
  }

  /** ΔE*ab of pixel `i` of `x` against pixel `j` of `y` (sample offsets, RGBA). */
  between(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number): number {
    const c = this.cached;
    const p = this.slot(x[i]!, x[i + 1]!, x[i + 2]!, x[i + 3]!) * 3;
    const L1 = c[p]!;
    const A1 = c[p + 1]!;
    const B1 = c[p + 2]!;
    const q = this.slot(y[j]!, y[j + 1]!, y[j + 2]!, y[j + 3]!) * 3;
    const dl = L1 - c[q]!;
    const da = A1 - c[q + 1]!;
    const db = B1 - c[q + 2]!;
    return Math.sqrt(dl * dl + da * da + db * db);
  }
}
