import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { availableParallelism } from 'node:os';
import type { ArgumentsCamelCase } from 'yargs';
import { builtinFs } from '../builtins.js';
import { WorkerCodec } from '../plumbing/codec.js';
import type { FsPromises } from '../plumbing/fs.js';
import { syncFs } from '../plumbing/syncFs.js';
import { openVault, type Vault } from '../porcelain/openVault.js';

/**
 * Exit status of a command that did its work but left some files out (a
 * snapshot was made, some files could not be read): like restic's 3.
 */
export const EXIT_INCOMPLETE = 3;

/** Options every command understands. */
export interface GlobalArgs {
  C?: string;
  json?: boolean;
  quiet?: boolean;
  vaultDir?: string;
}

/** node's fs through synchronous calls (see syncFs.ts for why) */
export const nodeFs: FsPromises = syncFs;

/** The folder the command runs in: -C DIR (which must be a folder), else the current one. */
export function cwdOf(argv: GlobalArgs): string {
  if (argv.C === undefined) return process.cwd();
  const dir = resolve(argv.C);
  const st = builtinFs.statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`-C ${argv.C}: no such folder`, 'name an existing folder (the project folder)');
  if (!st.isDirectory()) throw new UsageError(`-C ${argv.C}: not a folder`, 'name the project folder, not a file');
  return dir;
}

export function vaultDirOf(argv: GlobalArgs): string | undefined {
  const v = argv.vaultDir ?? process.env.VAULT_DIR;
  return v ? resolve(v) : undefined;
}

/** Open the vault for a command, run it, always close (workers, file handles). */
export async function withVault<T>(
  argv: ArgumentsCamelCase<GlobalArgs> | GlobalArgs,
  fn: (v: Vault) => Promise<T>,
): Promise<T> {
  const vault = await openVault({
    fs: nodeFs,
    cwd: cwdOf(argv),
    vaultDir: vaultDirOf(argv),
    codec: new WorkerCodec(),
    threads: Number(process.env.VAULT_THREADS ?? Math.min(4, availableParallelism())),
  });
  try {
    return await fn(vault);
  } finally {
    await vault.close();
  }
}

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

/** Warnings go to stderr so stdout stays data. */
export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}
