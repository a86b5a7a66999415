/** Run the real CLI (bin/vault, built dist) as a child process, collecting its output. */
import { spawn } from 'node:child_process';
import * as assert from 'uvu/assert';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'vault');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/vault ARGS` in `cwd`, with a fixed author, no colour, and `env` added. */
export function runVault(cwd: string | undefined, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, VAULT_AUTHOR: 'Tess Ter <tess@example.org>', NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `vault ARGS` that must succeed (exit 0; the assertion names the command and shows stderr). */
export async function vaultOk(cwd: string, args: string[]): Promise<CliRun> {
  const r = await runVault(cwd, args);
  assert.is(r.code, 0, `vault ${args.join(' ')}\n${r.stderr}`);
  return r;
}

/** `vault ARGS --json` that must succeed, parsed. */
// oxlint-disable-next-line typescript/no-explicit-any -- callers index the parsed JSON freely
export async function vaultJson<T = any>(cwd: string, args: string[]): Promise<T> {
  return JSON.parse((await vaultOk(cwd, [...args, '--json'])).stdout) as T;
}
