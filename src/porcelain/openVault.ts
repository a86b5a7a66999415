import { hostname, userInfo } from 'node:os';
import { AlreadyAVaultError, NotAVaultError, VaultError, fsError } from '../errors.js';
import type { Codec } from '../plumbing/codec.js';
import { defaultConfig, readConfig, writeConfig, type VaultConfig } from '../plumbing/config.js';
import { dirname, exists, joinPath, type FsPromises } from '../plumbing/fs.js';
import { VAULT_DIR, vaultPaths } from '../plumbing/layout.js';
import { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { writeHead, type RefOptions } from '../refs/refs.js';
import { trackingSnapshot } from './sync/tracking.js';
import { chunkerConfig, type ChunkingStrategy } from '../plumbing/chunkers/index.js';

/** Everything a porcelain operation needs, opened once. */
export interface Vault {
  readonly fs: FsPromises;
  /** the project folder that is snapshotted */
  readonly workTree: string;
  /** the vault's storage folder (normally <workTree>/.vault) */
  readonly vaultDir: string;
  readonly config: VaultConfig;
  readonly db: ObjectDatabase;
  readonly refs: RefOptions;
  /** ms since epoch; injected so tests control time */
  readonly clock: () => number;
  readonly author: string;
  /** worker threads for reading/hashing/compressing files; 0: everything on this thread (any injected fs) */
  readonly threads: number;
  close(): Promise<void>;
}

export interface LocateOptions {
  fs: FsPromises;
  /** where the command runs; the vault is searched for here and in parent folders */
  cwd: string;
  /** explicit storage folder (like GIT_DIR); the work tree is then `cwd` */
  vaultDir?: string;
}

export interface OpenOptions extends LocateOptions {
  codec?: Codec;
  clock?: () => number;
  author?: string;
  /** worker threads that read files with node's own fs: only when `fs` is node's fs */
  threads?: number;
}

export function defaultAuthor(): string {
  const env = process.env.VAULT_AUTHOR;
  if (env) return env;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return `${user}@${hostname()}`;
}

/** Find the project folder and vault folder for `cwd`. */
export async function locateVault(opts: LocateOptions): Promise<{ workTree: string; vaultDir: string }> {
  if (opts.vaultDir) {
    if (!(await exists(opts.fs, vaultPaths(opts.vaultDir).config))) throw new NotAVaultError(opts.vaultDir);
    return { workTree: opts.cwd, vaultDir: opts.vaultDir };
  }
  let dir = opts.cwd;
  for (;;) {
    const candidate = joinPath(dir, VAULT_DIR);
    if (await exists(opts.fs, vaultPaths(candidate).config)) return { workTree: dir, vaultDir: candidate };
    const up = dirname(dir);
    if (up === dir || dir === '.' || dir === '') throw new NotAVaultError(opts.cwd);
    dir = up;
  }
}

export async function openVault(opts: OpenOptions): Promise<Vault> {
  const { workTree, vaultDir } = await locateVault(opts);
  const config = await readConfig(opts.fs, vaultDir);
  const db = await ObjectDatabase.open({
    fs: opts.fs,
    vaultDir,
    codec: opts.codec,
    level: config.compression.level,
    packSize: config.packSize,
  });
  return {
    fs: opts.fs,
    workTree,
    vaultDir,
    config,
    db,
    refs: { fs: opts.fs, vaultDir, tracking: (name) => trackingSnapshot(opts.fs, vaultDir, name) },
    clock: opts.clock ?? Date.now,
    author: opts.author ?? defaultAuthor(),
    threads: opts.threads ?? 0,
    close: async () => {
      await db.close();
      await opts.codec?.close();
    },
  };
}

export interface InitOptions {
  fs: FsPromises;
  /** project folder */
  dir: string;
  vaultDir?: string;
  chunker?: ChunkingStrategy;
  level?: number;
  packSize?: number;
  extra?: Record<string, unknown>;
}

/** Create an empty vault. Fails if one exists there already. */
export async function initVault(opts: InitOptions): Promise<{ workTree: string; vaultDir: string }> {
  const vaultDir = opts.vaultDir ?? joinPath(opts.dir, VAULT_DIR);
  const p = vaultPaths(vaultDir);
  if (await exists(opts.fs, p.config)) throw new AlreadyAVaultError(vaultDir);
  try {
    await opts.fs.mkdir(opts.dir, { recursive: true });
    if (!(await opts.fs.stat(opts.dir)).isDirectory())
      throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new VaultError(
        'ENOTDIR',
        `cannot make a vault in ${opts.dir}: it is not a folder`,
        { dir: opts.dir },
        'name a folder (it is created if missing)',
      );
    throw fsError(e, 'mkdir', opts.dir);
  }
  for (const d of [
    p.root,
    p.objects,
    p.packs,
    joinPath(p.refs, 'heads'),
    joinPath(p.refs, 'milestones'),
    joinPath(p.refs, 'tags'),
    p.logs,
  ]) {
    await opts.fs.mkdir(d, { recursive: true });
  }
  const base = defaultConfig();
  await writeHead({ fs: opts.fs, vaultDir }, 'refs/heads/main');
  // config last: a folder without it is not a vault, so a killed init can simply be run again
  await writeConfig(opts.fs, vaultDir, {
    ...base,
    chunker: opts.chunker ? chunkerConfig(opts.chunker) : base.chunker,
    compression: { codec: 'zstd', level: opts.level ?? base.compression.level },
    packSize: opts.packSize ?? base.packSize,
    extra: opts.extra ?? {},
  });
  return { workTree: opts.dir, vaultDir };
}
