/**
 * `vault ARGS`: finds the command's name, loads that command's module only (see commands/registry.ts)
 * and reads the arguments for it: the plain forms directly (fastArgs.ts), anything else with yargs
 * (parse.ts). `vault --version` and `vault --help` load no command and no yargs at all.
 */
import { constants } from 'node:os';
import { FileSystemError, UsageError, VaultError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { findCommand } from './commands/registry.js';
import { fastArgs } from './fastArgs.js';
import { commandNames, topLevelHelp } from './help.js';
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

/** Global options that take a value, so the word after them is not the command's name. */
const TAKES_VALUE = new Set(['-C', '--vault-dir']);

/** The command's name (the first word that is not an option or an option's value), if any. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return args[i + 1];
    if (TAKES_VALUE.has(a)) i++;
    else if (!a.startsWith('-') || a === '-') return a;
  }
  return undefined;
}

/** Whether an option is given before a lone `--` (`-h`, `--help`, `--json`; `--json=true` too). */
function has(args: readonly string[], ...names: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => names.includes(a.replace(/=.*$/, '')));
}

let pipeHandled = false;

export async function main(args: string[]): Promise<void> {
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
    await dispatch(args);
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}

async function dispatch(args: string[]): Promise<void> {
  // a shell cannot pass NUL, a caller of main() can; node refuses it in paths, no name may hold it
  if (args.some((a) => a.includes('\0')))
    throw new UsageError('an argument contains a NUL byte', 'names and paths cannot hold NUL');
  let word = commandWord(args);
  if (word === 'help') {
    // `vault help` and `vault help COMMAND`, like git
    const rest = args.slice(args.indexOf('help') + 1).filter((a) => !a.startsWith('-'));
    if (!rest.length) return void process.stdout.write(topLevelHelp(VERSION));
    word = rest[0]!;
    args = [word, '--help'];
  }
  if (word === undefined) {
    if (has(args, '--version')) return void process.stdout.write(`${VERSION}\n`);
    if (has(args, '--help', '-h')) return void process.stdout.write(topLevelHelp(VERSION));
    throw new UsageError('name a command', "see 'vault --help' for the list");
  }
  const info = findCommand(word);
  if (!info) {
    const near = didYouMean(word, commandNames());
    throw new UsageError(`unknown command '${word}'`, `${near ? `${near} ` : ''}see 'vault --help' for the list`);
  }
  const command = await info.load();
  // the plain, everyday forms run without loading yargs at all (see fastArgs.ts)
  const argv = fastArgs(args, command, word);
  if (argv) return void (await command.handler(argv as never));
  const { parseCommand } = await import('./parse.js');
  await parseCommand(args, command);
}
