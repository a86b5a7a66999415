import type { ChunkingStrategy } from './ChunkingStrategy.js';
import { RollingHashChunker } from './RollingHashChunker.js';
import { isCompressedMedia } from './fileTypes.js';

/** How one file is stored. */
export interface FilePlan {
  /** 'blob': the file is one object; 'chunks': cut by `strategy` into a chunk list */
  readonly store: 'blob' | 'chunks';
  readonly strategy: ChunkingStrategy;
  /** false: do not even try to compress (already-compressed media) */
  readonly compress: boolean;
}

export interface FileTypeAwareOptions {
  /** files up to this size are stored whole as one blob */
  smallFileMax?: number;
  /** chunker for large uncompressed assets */
  cdcAvgSize?: number;
  /** chunker for already-compressed media: bigger chunks, no compression */
  mediaAvgSize?: number;
}

/**
 * Picks how to store each file: small files whole, compressed media with bigger
 * chunks and no compression attempt, large uncompressed assets with FastCDC.
 * Used as a plain ChunkingStrategy it behaves as its CDC chunker.
 */
export class FileTypeAwareChunker implements ChunkingStrategy {
  readonly name = 'FILETYPE-v1';
  readonly params: Readonly<Record<string, number>>;
  readonly cdc: RollingHashChunker;
  readonly media: RollingHashChunker;
  readonly smallFileMax: number;
  readonly maxSize: number;
  readonly minSize: number;

  constructor(opts: FileTypeAwareOptions = {}) {
    const cdcAvg = opts.cdcAvgSize ?? 256 * 1024;
    const mediaAvg = opts.mediaAvgSize ?? 512 * 1024;
    this.smallFileMax = opts.smallFileMax ?? cdcAvg;
    this.cdc = new RollingHashChunker({ avgSize: cdcAvg });
    this.media = new RollingHashChunker({ avgSize: mediaAvg });
    this.maxSize = Math.max(this.cdc.maxSize, this.media.maxSize, this.smallFileMax);
    this.minSize = Math.min(this.cdc.minSize, this.media.minSize);
    this.params = { smallFileMax: this.smallFileMax, cdcAvgSize: cdcAvg, mediaAvgSize: mediaAvg };
  }

  /** Decide for one file from its path, size and first bytes (up to 16 are looked at). */
  planFile(path: string, size: number, head?: Uint8Array): FilePlan {
    const compressed = isCompressedMedia(path, head);
    if (size <= this.smallFileMax) return { store: 'blob', strategy: this.cdc, compress: !compressed };
    return compressed ? { store: 'chunks', strategy: this.media, compress: false } : { store: 'chunks', strategy: this.cdc, compress: true };
  }

  nextSplitPoint(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    return this.cdc.nextSplitPoint(buf, start, end, eof);
  }
  reset(): void {}
}
