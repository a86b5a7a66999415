import type { ChunkingStrategy } from './ChunkingStrategy.js';
import { RollingHashChunker } from './RollingHashChunker.js';
import { containerFormat, isCompressedMedia } from './fileTypes.js';
import { GameAssetChunker } from './GameAssetChunker.js';

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
  /** cut zip, tar and Godot pck containers at their entries (GameAssetChunker); "FILETYPE-v2" */
  containers?: boolean;
  /**
   * with containers: a small entry (up to smallFileMax, stored as-is) is stored as the blob its loose file
   * is, so a build dedups with the project committed before it; chunk lists may name blobs. "FILETYPE-v3"
   */
  blobEntries?: boolean;
}

/**
 * Picks how to store each file: small files whole, compressed media with bigger
 * chunks and no compression attempt, large uncompressed assets with FastCDC.
 * Used as a plain ChunkingStrategy it behaves as its CDC chunker.
 */
export class FileTypeAwareChunker implements ChunkingStrategy {
  /** v1: per-type plans; v2: plus container-aware cutting of game builds and packages; v3: small entries as blobs */
  readonly name: 'FILETYPE-v1' | 'FILETYPE-v2' | 'FILETYPE-v3';
  readonly containers: boolean;
  readonly blobEntries: boolean;
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
    this.containers = opts.containers ?? false;
    this.blobEntries = this.containers && (opts.blobEntries ?? false);
    this.name = 'FILETYPE-v1';
    if (this.containers) this.name = this.blobEntries ? 'FILETYPE-v3' : 'FILETYPE-v2';
    this.params = { smallFileMax: this.smallFileMax, cdcAvgSize: cdcAvg, mediaAvgSize: mediaAvg };
  }

  /** A file (or container entry) of this size is stored whole, as one blob. */
  keptWhole(size: number): boolean {
    return size <= this.smallFileMax;
  }

  /** How a loose file of this name and size is cut (null: kept whole). Container entries are cut the same way. */
  entryStrategy(name: string, size: number): ChunkingStrategy | null {
    if (this.keptWhole(size)) return null;
    return isCompressedMedia(name) ? this.media : this.cdc;
  }

  /** Decide for one file from its path, size and first bytes (up to 16 are looked at). */
  planFile(path: string, size: number, head?: Uint8Array): FilePlan {
    const container = this.containers && !this.keptWhole(size) ? containerFormat(path, head) : null;
    if (container) {
      // a fresh, stateful chunker per file; every chunk is offered to zstd (stored entries compress, deflated ones are kept raw)
      const strategy = new GameAssetChunker(
        container,
        (name, n) => this.entryStrategy(name, n),
        this.cdc,
        this.maxSize,
        this.blobEntries,
      );
      return { store: 'chunks', strategy, compress: true };
    }
    const compressed = isCompressedMedia(path, head);
    if (this.keptWhole(size)) return { store: 'blob', strategy: this.cdc, compress: !compressed };
    return compressed
      ? { store: 'chunks', strategy: this.media, compress: false }
      : { store: 'chunks', strategy: this.cdc, compress: true };
  }

  nextSplitPoint(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    return this.cdc.nextSplitPoint(buf, start, end, eof);
  }
  reset(): void {}
}
