import yargs from 'yargs';
import { constants } from 'node:os';
import { FileSystemError, UsageError, VaultError } from '../errors.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

/**
 * An error node's fs layer raised that no command turned into a VaultError (a path that is not there, not a
 * folder, too long...): the user's input or environment, not a bug, so it is reported as one, with its
 * errno code.
 */
function systemError(err: unknown): VaultError | null {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || !e.syscall) return null;
  // node's message is "CODE: what, syscall 'path'"
  const what = e.message.replace(/^E[A-Z]+: /, '').split(', ')[0];
  return new FileSystemError(e.code, e.syscall, e.path ?? '(a path)', what);
}

/** Print an error the way a person can act on it; --json prints the error object. */
export function reportError(err: unknown, json: boolean): number {
  err = systemError(err) ?? err;
  if (err instanceof VaultError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    process.stderr.write(`vault: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    // stopped by a signal: the shell's convention, 128 + its number
    if (err.code === 'EINTERRUPTED') return 128 + (constants.signals[err.data.signal as NodeJS.Signals] ?? 2);
    return err.code === 'EUSAGE' ? 2 : 1;
  }
  const e = err as Error;
  process.stderr.write(`vault: internal error (please report it): ${e?.stack ?? String(err)}\n`);
  return 70;
}

/**
 * What no command accepts: numbers yargs made NaN (`abc`) or Infinity (`1e309`), and NUL bytes (a shell
 * cannot pass them, a caller of main() can; node refuses them in paths). Seconds to wait cannot be negative.
 */
function checkArgs(argv: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(argv)) {
    if (k === '$0' || k.includes('-')) continue;
    const flag = k === '_' ? 'an argument' : `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new UsageError(`${flag} must be a number`, `see 'vault <command> --help'`);
    if ([v].flat().some((x) => typeof x === 'string' && x.includes('\0')))
      throw new UsageError(`${flag} contains a NUL byte`, 'names and paths cannot hold NUL');
  }
  const wait = argv.lockWait;
  if (typeof wait === 'number' && wait < 0)
    throw new UsageError('--lock-wait must be 0 or more seconds', '0 fails at once when the vault is busy');
}

let pipeHandled = false;

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  // `vault log | head`: the reader went away; stop quietly like git does (once per process: main may be
  // called again, by the CLI fuzz test)
  if (!pipeHandled) {
    pipeHandled = true;
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
  }
  let cli = yargs(args)
    .scriptName('vault')
    .usage(
      '$0 <command> [options]\n\nContent-addressed, incremental backup and versioning for projects full of big binary files.',
    )
    .option('C', { type: 'string', describe: 'run as if vault was started in this folder', global: true })
    .option('vault-dir', {
      type: 'string',
      describe: 'the vault storage folder (default: .vault in the project; env VAULT_DIR)',
      global: true,
    })
    .option('json', { type: 'boolean', describe: 'print results (and errors) as JSON', global: true })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'print only what is essential', global: true })
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'name a command; see vault --help')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new VaultError('EUSAGE', msg, {}, "see 'vault --help' or 'vault <command> --help'");
    });
  cli = cli.middleware(checkArgs, true);
  for (const c of commands) cli = cli.command(c);
  try {
    await cli.parseAsync();
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}
