/** A fresh vault per test: memfs (or a real folder) filled from a declarative tree. */
import { mkdtemp, rm } from 'node:fs/promises';
import nodeFsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InlineCodec, type Codec } from '../../src/plumbing/codec.js';
import type { ChunkingStrategy } from '../../src/plumbing/chunkers/index.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { initVault, openVault, type Vault } from '../../src/porcelain/openVault.js';
import { memFs, type MemVolume } from './memfs.js';
import { writeTree, type FileTree, type WriteTreeOptions } from './tree.js';

export const nodeFs = nodeFsp as unknown as FsPromises;

/** A clock that starts at 2023-11-14 and moves one second per call. */
export function fakeClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => (t += 1000);
}

export interface TestVault {
  readonly fs: FsPromises;
  readonly dir: string;
  readonly vault: Vault;
  /** open the vault again (new ObjectDatabase, same files) */
  reopen(codec?: Codec): Promise<Vault>;
}

export interface VaultOptions extends WriteTreeOptions {
  chunker?: ChunkingStrategy;
  codec?: Codec;
  packSize?: number;
  /** worker threads for big commits and restores (real fs only); 0 (the default): none */
  threads?: number;
}

/** Write `tree` at `dir` on `fs`, make it a vault and open it (InlineCodec, fake clock). */
export async function vaultOn(
  fs: FsPromises,
  dir: string,
  tree: FileTree,
  opts: VaultOptions = {},
): Promise<TestVault> {
  await writeTree(fs, dir, tree, opts);
  await initVault({ fs, dir, chunker: opts.chunker, packSize: opts.packSize });
  const clock = fakeClock();
  const open = (codec?: Codec) =>
    openVault({
      fs,
      cwd: dir,
      codec: codec ?? new InlineCodec(),
      clock,
      author: 'Tess Ter <tess@example.org>',
      threads: opts.threads,
    });
  return { fs, dir, vault: await open(opts.codec), reopen: open };
}

/** A vault in memory at /work holding `tree`. */
export async function memVault(tree: FileTree = {}, opts: VaultOptions = {}): Promise<TestVault & { vol: MemVolume }> {
  const { vol, fs } = memFs();
  return { vol, ...(await vaultOn(fs, '/work', tree, opts)) };
}

/** A temp folder on the real filesystem; remove() deletes it. */
export async function tempDir(prefix = 'vault-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A vault in a real temp folder (`<tmp>/work`) holding `tree`; node's fs/promises unless `fs` is given. */
export async function diskVault(
  root: string,
  tree: FileTree = {},
  opts: VaultOptions & { fs?: FsPromises } = {},
): Promise<TestVault> {
  return vaultOn(opts.fs ?? nodeFs, join(root, 'work'), tree, opts);
}

/** The `code` of what `f` throws (fails the test if it does not throw). */
export async function codeOf(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    return String((e as { code?: unknown }).code ?? `(no code: ${(e as Error)?.name}: ${(e as Error)?.message})`);
  }
  return '(did not throw)';
}

export function codeOfSync(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return String((e as { code?: unknown }).code ?? `(no code: ${(e as Error)?.name}: ${(e as Error)?.message})`);
  }
  return '(did not throw)';
}
