import { ConfigError, fsError } from '../errors.js';
import { chunkerConfig, FileTypeAwareChunker, type ChunkerConfig } from './chunkers/index.js';
import { isNotFound, writeFileAtomic, type FsPromises } from './fs.js';
import { vaultPaths } from './layout.js';

/** `.vault/config`: how this vault stores data. Recorded once at init; read on every open. */
export interface VaultConfig {
  readonly format: 1;
  readonly chunker: ChunkerConfig;
  readonly compression: { readonly codec: 'zstd'; readonly level: number };
  /** a pack is sealed at this size */
  readonly packSize: number;
  /** free-form settings for personas and tools (e.g. persona, workspace paths) */
  readonly extra: Readonly<Record<string, unknown>>;
}

export function defaultConfig(): VaultConfig {
  return {
    format: 1,
    chunker: chunkerConfig(new FileTypeAwareChunker({ containers: true, blobEntries: true })),
    compression: { codec: 'zstd', level: 3 },
    packSize: 64 * 1024 * 1024,
    extra: {},
  };
}

export async function readConfig(fs: FsPromises, vaultDir: string): Promise<VaultConfig> {
  const path = vaultPaths(vaultDir).config;
  let raw: string;
  try {
    raw = (await fs.readFile(path, 'utf8')) as string;
  } catch (e) {
    if (isNotFound(e)) throw new ConfigError(path, 'missing');
    throw fsError(e, 'read', path);
  }
  let c: VaultConfig;
  try {
    c = JSON.parse(raw);
  } catch {
    throw new ConfigError(path, 'not valid JSON');
  }
  if (c?.format !== 1) throw new ConfigError(path, `unsupported format ${String(c?.format)}`);
  if (typeof c.chunker?.name !== 'string') throw new ConfigError(path, 'no chunker');
  const level = c.compression?.level;
  if (!Number.isInteger(level) || level < -7 || level > 19)
    throw new ConfigError(path, 'compression.level must be an integer from -7 to 19');
  return { ...defaultConfig(), ...c, extra: c.extra ?? {} };
}

export async function writeConfig(fs: FsPromises, vaultDir: string, c: VaultConfig): Promise<void> {
  await writeFileAtomic(fs, vaultPaths(vaultDir).config, JSON.stringify(c, null, 2) + '\n');
}
