import { ConfigError } from '../../errors.js';
import type { ChunkerConfig, ChunkingStrategy } from './ChunkingStrategy.js';
import { FileTypeAwareChunker, type FilePlan } from './FileTypeAwareChunker.js';
import { FixedSizeChunker } from './FixedSizeChunker.js';
import { RollingHashChunker } from './RollingHashChunker.js';

export * from './ChunkingStrategy.js';
export * from './FixedSizeChunker.js';
export * from './RollingHashChunker.js';
export * from './FileTypeAwareChunker.js';
export * from './fileTypes.js';
export * from './GameAssetChunker.js';

/** Rebuild the chunker a vault was created with from its recorded config. */
export function chunkerFromConfig(cfg: ChunkerConfig): ChunkingStrategy {
  const p = cfg.params ?? {};
  switch (cfg.name) {
    case 'FIXED-v1':
      return new FixedSizeChunker({ size: p.size });
    case 'FASTCDC-v1':
      return new RollingHashChunker({ avgSize: p.avgSize, minSize: p.minSize, maxSize: p.maxSize });
    case 'FILETYPE-v1':
    case 'FILETYPE-v2':
    case 'FILETYPE-v3':
      return new FileTypeAwareChunker({
        smallFileMax: p.smallFileMax,
        cdcAvgSize: p.cdcAvgSize,
        mediaAvgSize: p.mediaAvgSize,
        containers: cfg.name !== 'FILETYPE-v1',
        blobEntries: cfg.name === 'FILETYPE-v3',
      });
    default:
      throw new ConfigError('.vault/config', `unknown chunker '${cfg.name}' (this vault was made by a newer Vault?)`);
  }
}

export function chunkerConfig(c: ChunkingStrategy): ChunkerConfig {
  return { name: c.name, params: { ...c.params } };
}

/** Whether any strategy stores a file of this size whole, as one blob (plain strategies chunk every file). */
export function keptWhole(c: ChunkingStrategy, size: number): boolean {
  return c instanceof FileTypeAwareChunker && c.keptWhole(size);
}

/** The per-file plan for any strategy: plain strategies chunk every file and compress. */
export function planFile(c: ChunkingStrategy, path: string, size: number, head?: Uint8Array): FilePlan {
  if (c instanceof FileTypeAwareChunker) return c.planFile(path, size, head);
  return { store: 'chunks', strategy: c, compress: true };
}
