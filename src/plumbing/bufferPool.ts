/**
 * Recycled ArrayBuffers in power-of-two size classes. Chunk bytes are copied
 * out of the read buffer into one of these, travel to a worker and back, are
 * written to a pack, and return here: on these machines first writes into
 * fresh memory (page faults) cost more than the copy itself.
 */
export class BufferPool {
  private free = new Map<number, ArrayBuffer[]>();
  constructor(readonly keepPerClass = 64) {}

  private static classOf(n: number): number {
    let c = 4096;
    while (c < n) c *= 2;
    return c;
  }

  /** A view of exactly `n` bytes over a pooled buffer. */
  take(n: number): Uint8Array {
    const c = BufferPool.classOf(n);
    const list = this.free.get(c);
    const ab = list?.pop() ?? new ArrayBuffer(c);
    return new Uint8Array(ab, 0, n);
  }

  /**
   * Give a buffer back once nothing uses it. Buffers come back as new objects
   * after a round trip through a worker, so any buffer of a class size is taken.
   */
  give(ab: ArrayBufferLike | undefined): void {
    if (!ab || !(ab instanceof ArrayBuffer)) return;
    const n = ab.byteLength;
    if (n < 4096 || (n & (n - 1)) !== 0) return;
    const list = this.free.get(n) ?? [];
    if (list.length < this.keepPerClass) list.push(ab);
    this.free.set(n, list);
  }
}
