import type { ChunkingStrategy } from './ChunkingStrategy.js';

/** Cuts every `size` bytes. Cheap, but an insertion shifts every later chunk. */
export class FixedSizeChunker implements ChunkingStrategy {
  readonly name = 'FIXED-v1';
  readonly params: Readonly<Record<string, number>>;
  readonly maxSize: number;
  readonly minSize: number;
  constructor(opts: { size?: number } = {}) {
    const size = opts.size ?? 1024 * 1024;
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`fixed chunk size must be a positive integer, got ${size}`);
    this.maxSize = size;
    this.minSize = size;
    this.params = { size };
  }
  nextSplitPoint(_buf: Uint8Array, start: number, end: number): number {
    return Math.min(this.maxSize, end - start);
  }
  reset(): void {}
}
