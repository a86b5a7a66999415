/**
 * A set of object ids in shared memory, so worker threads can decide without
 * a message round trip whether a chunk is new, and exactly one of them stores
 * it. Open addressing over 5 int32 per slot: a state word (0 empty, 1 being
 * written, 2 ready) and the first 16 bytes of the id (2^-128 false positives).
 * Only `add` writes; it claims a slot with compare-and-swap. The capacity is
 * fixed: size it for the objects known plus an upper bound of new ones.
 */
const WORDS = 5;

export class SharedIdSet {
  private readonly a: Int32Array;
  private readonly mask: number;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
    this.mask = this.a.length / WORDS - 1;
  }

  /**
   * Room for at least `expected` ids at a load factor of at most 3/4 (expected is an upper bound, so the real load
   * is lower; at 1/2 a million small files took 16M slots, 335 MB).
   */
  static create(expected: number): SharedIdSet {
    let slots = 1024;
    while (slots < Math.ceil((expected * 4) / 3)) slots *= 2;
    return new SharedIdSet(new SharedArrayBuffer(slots * WORDS * 4));
  }

  static from(buffer: SharedArrayBuffer): SharedIdSet {
    return new SharedIdSet(buffer);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  private static key(id: string): [number, number, number, number] {
    return [
      parseInt(id.slice(0, 8), 16) | 0,
      parseInt(id.slice(8, 16), 16) | 0,
      parseInt(id.slice(16, 24), 16) | 0,
      parseInt(id.slice(24, 32), 16) | 0,
    ];
  }

  has(id: string): boolean {
    const k = SharedIdSet.key(id);
    const a = this.a;
    for (let i = k[1] & this.mask, n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const o = i * WORDS;
      let s = Atomics.load(a, o);
      if (s === 0) return false;
      while (s === 1) s = Atomics.load(a, o);
      if (a[o + 1] === k[0] && a[o + 2] === k[1] && a[o + 3] === k[2] && a[o + 4] === k[3]) return true;
    }
    return false;
  }

  /** Add an id; true when this call added it (the caller owns storing it), false when it was there. */
  add(id: string): boolean {
    const k = SharedIdSet.key(id);
    const a = this.a;
    for (let i = k[1] & this.mask, n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const o = i * WORDS;
      let s = Atomics.load(a, o);
      if (s === 0) {
        if (Atomics.compareExchange(a, o, 0, 1) === 0) {
          a[o + 1] = k[0];
          a[o + 2] = k[1];
          a[o + 3] = k[2];
          a[o + 4] = k[3];
          Atomics.store(a, o, 2);
          return true;
        }
        s = Atomics.load(a, o);
      }
      while (s === 1) s = Atomics.load(a, o);
      if (a[o + 1] === k[0] && a[o + 2] === k[1] && a[o + 3] === k[2] && a[o + 4] === k[3]) return false;
    }
    throw new RangeError('SharedIdSet is full');
  }
}
