/**
 * Running one command: the error reporting, the `| head` handling and the argument reading that every
 * entry of the CLI shares. main.ts is the entry for every command; the one-command entries in hot/ (built
 * into bundles of their own, see scripts/bundle.mjs) import only this module and their command's, so
 * `vault commit` and `vault status` load no other command's code.
 */
import { constants } from 'node:os';
import { FileSystemError, UsageError, VaultError } from '../errors.js';
import type { AnyCommand } from './commands/registry.js';
import { fastArgs } from './fastArgs.js';

/**
 * An error node's fs layer raised that no command turned into a VaultError (a path that is not there, not a
 * folder, too long...): the user's input or environment, not a bug, so it is reported as one, with its
 * errno code.
 */
function systemError(err: unknown): VaultError | null {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || !e.syscall) return null;
  // node's message is "CODE: what, syscall 'path'"
  const what = e.message.replace(/^E[A-Z]+: /, '').split(', ')[0] ?? e.message;
  return new FileSystemError(e.code, e.syscall, e.path ?? '(a path)', what);
}

/** Print an error the way a person can act on it; with --json only the error object, on stdout. */
export function reportError(error: unknown, json: boolean): number {
  const err = systemError(error) ?? error;
  if (err instanceof VaultError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    else {
      process.stderr.write(`vault: ${err.message}\n`);
      if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    }
    // stopped by a signal: the shell's convention, 128 + its number
    if (err.code === 'EINTERRUPTED') return 128 + (constants.signals[err.data.signal as NodeJS.Signals] ?? 2);
    return err.code === 'EUSAGE' ? 2 : 1;
  }
  const e = err as Error;
  process.stderr.write(`vault: internal error (please report it): ${e?.stack ?? String(err)}\n`);
  return 70;
}

/** Whether an option is given before a lone `--` (`-h`, `--help`, `--json`; `--json=true` too). */
export function has(args: readonly string[], ...names: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => names.includes(a.replace(/=.*$/, '')));
}

let pipeHandled = false;

/** Run `dispatch` as the whole command line: errors reported, the exit code set. */
export async function runMain(args: string[], dispatch: (args: string[]) => Promise<void>): Promise<void> {
  const json = has(args, '--json');
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
  try {
    // a shell cannot pass NUL, a caller of main() can; node refuses it in paths, no name may hold it
    if (args.some((a) => a.includes('\0')))
      throw new UsageError('an argument contains a NUL byte', 'names and paths cannot hold NUL');
    await dispatch(args);
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}

/** Run a command that is loaded: the plain, everyday forms without yargs at all (see fastArgs.ts). */
export async function runCommand(args: string[], word: string, command: AnyCommand): Promise<void> {
  const argv = fastArgs(args, command, word);
  if (argv) return void (await command.handler(argv as never));
  const { parseCommand } = await import('./parse.js');
  await parseCommand(args, command);
}
