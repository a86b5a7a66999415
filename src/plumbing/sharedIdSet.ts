/**
 * A set of object ids in shared memory, so worker threads can decide without
 * a message round trip whether a chunk is new, and exactly one of them stores
 * it. Open addressing over 5 int32 per slot: a state word (0 empty, 1 being
 * written, 2 ready) and the first 16 bytes of the id (2^-128 false positives).
 * Only `add` writes; it claims a slot with compare-and-swap. The capacity is
 * fixed: size it for the objects known plus the new ones expected. Past 7/8 full
 * the set takes no more ids: `add` of a new one answers true without recording it,
 * so its caller stores the object (two threads may then store it twice, which a
 * pack index allows: the first entry of an id is used, gc drops the other).
 * A word after the slots counts the slots taken.
 */
const WORDS = 5;

export class SharedIdSet {
  private readonly a: Int32Array;
  private readonly mask: number;
  /** the word counting slots taken, and how many may be */
  private readonly taken: number;
  private readonly limit: number;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
    const slots = (this.a.length - 1) / WORDS;
    this.mask = slots - 1;
    this.taken = slots * WORDS;
    this.limit = slots - slots / 8;
  }

  /** Room for `expected` ids at a load factor of at most 3/4 (at 1/2 a million small files took 16M slots, 335 MB). */
  static create(expected: number): SharedIdSet {
    let slots = 1024;
    while (slots < Math.ceil((expected * 4) / 3)) slots *= 2;
    return new SharedIdSet(new SharedArrayBuffer((slots * WORDS + 1) * 4));
  }

  static from(buffer: SharedArrayBuffer): SharedIdSet {
    return new SharedIdSet(buffer);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Past its limit: new ids are no longer recorded (see add). */
  get full(): boolean {
    return Atomics.load(this.a, this.taken) >= this.limit;
  }

  private static key(id: string): [number, number, number, number] {
    return [
      parseInt(id.slice(0, 8), 16) | 0,
      parseInt(id.slice(8, 16), 16) | 0,
      parseInt(id.slice(16, 24), 16) | 0,
      parseInt(id.slice(24, 32), 16) | 0,
    ];
  }

  /** The key of an id given as bytes (the same words as key() of its hex form). */
  private static keyOf(b: Uint8Array, o: number): [number, number, number, number] {
    const w = (at: number) => (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    return [w(o), w(o + 4), w(o + 8), w(o + 12)];
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

  /**
   * Add an id; true when this call added it (the caller owns storing it), false when it was there. Also true,
   * without adding it, for a new id once the set is full (see above).
   */
  add(id: string): boolean {
    return this.addKey(SharedIdSet.key(id));
  }

  /** add, for an id given as its bytes from `offset` (filling the set from pack indexes, without hex strings) */
  addBytes(id: Uint8Array, offset: number): boolean {
    return this.addKey(SharedIdSet.keyOf(id, offset));
  }

  private addKey(k: [number, number, number, number]): boolean {
    const a = this.a;
    const full = Atomics.load(a, this.taken) >= this.limit;
    for (let i = k[1] & this.mask; ; i = (i + 1) & this.mask) {
      const o = i * WORDS;
      let s = Atomics.load(a, o);
      if (s === 0) {
        if (full) return true;
        if (Atomics.compareExchange(a, o, 0, 1) === 0) {
          a[o + 1] = k[0];
          a[o + 2] = k[1];
          a[o + 3] = k[2];
          a[o + 4] = k[3];
          Atomics.store(a, o, 2);
          Atomics.add(a, this.taken, 1);
          return true;
        }
        s = Atomics.load(a, o);
      }
      while (s === 1) s = Atomics.load(a, o);
      if (a[o + 1] === k[0] && a[o + 2] === k[1] && a[o + 3] === k[2] && a[o + 4] === k[3]) return false;
    }
  }
}
