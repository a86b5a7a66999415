/** Seeded pseudo-random bytes, so every run (and every machine) sees the same data. */

/** mulberry32: a tiny 32-bit PRNG; returns a function giving uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `n` bytes from mulberry32(seed). */
export function prngBytes(seed: number, n: number): Buffer {
  const next = mulberry32(seed);
  const buf = Buffer.alloc(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) buf.writeUInt32LE(next(), i);
  if (i < n) {
    const last = next();
    for (let k = 0; i < n; i++, k++) buf[i] = (last >>> (8 * k)) & 0xff;
  }
  return buf;
}
