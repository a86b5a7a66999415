/**
 * `vault ARGS`: finds the command's name, loads that command's module only (see commands/registry.ts)
 * and reads the arguments for it: the plain forms directly (fastArgs.ts), anything else with yargs
 * (parse.ts). `vault --version` and `vault --help` load no command and no yargs at all.
 */
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { findCommand } from './commands/registry.js';
import { commandNames, topLevelHelp } from './help.js';
import { has, runCommand, runMain } from './run.js';
import { VERSION } from './version.js';

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

/** Run the command line `vault ARGS`. */
export function main(args: string[]): Promise<void> {
  return runMain(args, dispatch);
}

async function dispatch(args: string[]): Promise<void> {
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
  await runCommand(args, word, await info.load());
}
