/**
 * pixelmatch's colour test (pixelmatch 8, ISC licence, Copyright (c) 2025 Mapbox): whether two RGBA8
 * pixels differ by more than `threshold` (the HyAB distance of their toe-corrected OKLab colours,
 * semi-transparent pixels blended over pixelmatch's checkerboard), the same arithmetic in the same
 * order as its colorDelta, so it gives the same answer to the last bit (test/personas/creative/
 * visual-parallel.test.ts checks it against pixelmatch itself).
 *
 * Why a copy: when anti-aliased pixels count (the default), pixelmatch's answer for a pixel is only
 * this test, and calling pixelmatch meant a second pass over every window (its own loop, an output
 * picture to clear and read back) besides the loop that counts and measures ΔE. ImageComparer
 * asks this test in that one loop instead, for the pixels that differ, with the colours cached by
 * their RGBA word. pixelmatch itself still runs when anti-aliasing is ignored (its detector needs
 * the neighbours).
 */

// sRGB [0..255] -> linear [0..1], padded with a 257th entry for interpolation
const LIN = new Float64Array(257);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  LIN[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
LIN[256] = LIN[255]!;

// LMS matrix contributions of opaque sRGB byte values
const L_R = new Float64Array(256);
const L_G = new Float64Array(256);
const L_B = new Float64Array(256);
const M_R = new Float64Array(256);
const M_G = new Float64Array(256);
const M_B = new Float64Array(256);
const S_R = new Float64Array(256);
const S_G = new Float64Array(256);
const S_B = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const lr = LIN[i]!;
  L_R[i] = 0.4122214708 * lr;
  M_R[i] = 0.2119034982 * lr;
  S_R[i] = 0.0883024619 * lr;
  L_G[i] = 0.5363325363 * lr;
  M_G[i] = 0.6806995451 * lr;
  S_G[i] = 0.2817188376 * lr;
  L_B[i] = 0.0514459929 * lr;
  M_B[i] = 0.1073969566 * lr;
  S_B[i] = 0.6299787005 * lr;
}

function linLUT(x: number): number {
  const i = x | 0;
  return LIN[i]! + (LIN[i + 1]! - LIN[i]!) * (x - i);
}

const CBRT_N = 4096;
const CBRT = new Float64Array(CBRT_N + 2);
for (let i = 0; i <= CBRT_N + 1; i++) CBRT[i] = Math.cbrt(i / CBRT_N);
const CBRT_EXACT = 8;
function cbrtLUT(x: number): number {
  const t = x * CBRT_N;
  const i = t | 0;
  if (i < CBRT_EXACT) return Math.cbrt(x);
  return CBRT[i]! + (CBRT[i + 1]! - CBRT[i]!) * (t - i);
}

const TOE_K1 = 0.206;
const TOE_K2 = 0.03;
const TOE_K3 = (1 + TOE_K1) / (1 + TOE_K2);

function lightness(l: number, m: number, s: number): number {
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const x = TOE_K3 * L - TOE_K1;
  return 0.5 * (x + Math.sqrt(x * x + 4 * TOE_K2 * TOE_K3 * L));
}

/** Over the threshold: |ΔLr| + sqrt(Δa² + Δb²) > maxDelta (pixelmatch's oklabHyabDelta, without the sign). */
function over(dLr: number, dl: number, dm: number, ds: number, maxDelta: number): boolean {
  const rest = maxDelta - Math.abs(dLr);
  if (rest >= 0) {
    const da = 1.9779984951 * dl - 2.428592205 * dm + 0.4505937099 * ds;
    const db = 0.0259040371 * dl + 0.7827717662 * dm - 0.808675766 * ds;
    if (da * da + db * db <= rest * rest) return false;
  }
  return true;
}

/** pixelmatch's colorDeltaTransparent (checkerboard background), as over-the-threshold. */
function overTransparent(x: Uint8Array, y: Uint8Array, k: number, maxDelta: number): boolean {
  let r1 = x[k]!;
  let g1 = x[k + 1]!;
  let b1 = x[k + 2]!;
  const a1 = x[k + 3]!;
  let r2 = y[k]!;
  let g2 = y[k + 1]!;
  let b2 = y[k + 2]!;
  const a2 = y[k + 3]!;
  const h = Math.imul(k >> 2, 0x9e3779b1);
  const rb = 48 + 159 * (h >>> 31);
  const gb = 48 + 159 * ((h >>> 30) & 1);
  const bb = 48 + 159 * ((h >>> 29) & 1);
  r1 = (r1 * a1 + rb * (255 - a1)) / 255;
  g1 = (g1 * a1 + gb * (255 - a1)) / 255;
  b1 = (b1 * a1 + bb * (255 - a1)) / 255;
  r2 = (r2 * a2 + rb * (255 - a2)) / 255;
  g2 = (g2 * a2 + gb * (255 - a2)) / 255;
  b2 = (b2 * a2 + bb * (255 - a2)) / 255;
  const lr1 = linLUT(r1);
  const lg1 = linLUT(g1);
  const lb1 = linLUT(b1);
  const lr2 = linLUT(r2);
  const lg2 = linLUT(g2);
  const lb2 = linLUT(b2);
  const l1 = cbrtLUT(0.4122214708 * lr1 + 0.5363325363 * lg1 + 0.0514459929 * lb1);
  const m1 = cbrtLUT(0.2119034982 * lr1 + 0.6806995451 * lg1 + 0.1073969566 * lb1);
  const s1 = cbrtLUT(0.0883024619 * lr1 + 0.2817188376 * lg1 + 0.6299787005 * lb1);
  const l2 = cbrtLUT(0.4122214708 * lr2 + 0.5363325363 * lg2 + 0.0514459929 * lb2);
  const m2 = cbrtLUT(0.2119034982 * lr2 + 0.6806995451 * lg2 + 0.1073969566 * lb2);
  const s2 = cbrtLUT(0.0883024619 * lr2 + 0.2817188376 * lg2 + 0.6299787005 * lb2);
  return over(lightness(l1, m1, s1) - lightness(l2, m2, s2), l1 - l2, m1 - m2, s1 - s2, maxDelta);
}

// 4,096 colours: small enough to stay in the CPU's cache (a 65,536-entry table made noisy images,
// where nearly every lookup misses, half again slower on a busy machine)
const WORD_BITS = 12;
const WORD_SIZE = 1 << WORD_BITS;

/**
 * pixelmatch's test for pixels that differ, one instance per comparison: a cache of the opaque
 * colours seen (l, m, s and lightness), keyed by the RGBA word like DeltaE's.
 */
export class PixelmatchDelta {
  // empty slots hold key 0, which only word 0 could match; word 0 hashes to slot 0, which starts with key 1
  private readonly keys = new Uint32Array(WORD_SIZE);
  private readonly lms = new Float64Array(WORD_SIZE * 4);

  constructor(private readonly threshold: number) {
    this.keys[0] = 1;
  }

  /** Offset in lms of the opaque pixel at `k` of `d`, whose RGBA word is `word`. */
  private slot(d: Uint8Array, k: number, word: number): number {
    const s = Math.imul(word, 0x9e3779b1) >>> (32 - WORD_BITS);
    const o = s * 4;
    if (this.keys[s] === word) return o;
    this.keys[s] = word;
    const r = d[k]!;
    const g = d[k + 1]!;
    const b = d[k + 2]!;
    const l = cbrtLUT(L_R[r]! + L_G[g]! + L_B[b]!);
    const m = cbrtLUT(M_R[r]! + M_G[g]! + M_B[b]!);
    const sv = cbrtLUT(S_R[r]! + S_G[g]! + S_B[b]!);
    this.lms[o] = l;
    this.lms[o + 1] = m;
    this.lms[o + 2] = sv;
    this.lms[o + 3] = lightness(l, m, sv);
    return o;
  }

  /**
   * Whether pixelmatch counts the pixels at sample offset `k` of `x` and `y` (RGBA words `wx`, `wy`,
   * which differ) as different; `k` is the offset pixelmatch would see (its checkerboard depends on it).
   */
  differs(x: Uint8Array, y: Uint8Array, k: number, wx: number, wy: number): boolean {
    if (x[k + 3] !== 255 || y[k + 3] !== 255) return overTransparent(x, y, k, this.threshold);
    const c = this.lms;
    // the first colour's values read before the second is looked up: both may take the same slot
    const p = this.slot(x, k, wx);
    const l1 = c[p]!;
    const m1 = c[p + 1]!;
    const s1 = c[p + 2]!;
    const lr1 = c[p + 3]!;
    const q = this.slot(y, k, wy);
    return over(lr1 - c[q + 3]!, l1 - c[q]!, m1 - c[q + 1]!, s1 - c[q + 2]!, this.threshold);
  }
}
