/**
 * Commands made of actions (`vault build record|list|show`, `vault feedback add|import|list|report`...):
 * each action is a yargs sub-command with its own options, examples and help, so
 * `vault build record --help` shows what `record` takes, and an option of another action is refused.
 * All actions of a command share one handler, which gets the action's name as `argv.action`.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import type { GlobalArgs } from './context.js';
import { examplesText, type Example } from './examples.js';
import { VERSION } from './version.js';

export interface Action {
  /** the yargs command string: the action's name, then its positionals ('show <id>') */
  readonly command: string;
  readonly describe: string;
  // oxlint-disable-next-line typescript/no-explicit-any -- each action adds its own options
  readonly builder?: (y: Argv<GlobalArgs>) => Argv<any>;
  readonly examples?: readonly Example[];
  /** also run when no action is named (`vault bundles [SNAPSHOT]`, `vault remote`) */
  readonly isDefault?: boolean;
  /** other names of the action (`rm` for `remove`) */
  readonly aliases?: readonly string[];
}

/** The actions each command registered, by command name (read by tests that walk every action, e.g. the CLI fuzz). */
export const REGISTERED_ACTIONS = new Map<string, readonly Action[]>();

/** The name of an action: the first word of its command string. */
function actionName(a: Action): string {
  return a.command.split(' ')[0]!;
}

/**
 * Register `actions` on a command's parser; each runs `run` with `action` set to its name. Without a
 * default action, a command given no action (or an unknown one) is a usage error naming the actions.
 */
export function withActions<A>(
  y: Argv<GlobalArgs>,
  group: string,
  actions: readonly Action[],
  run: (argv: A) => Promise<void>,
): Argv<A> {
  REGISTERED_ACTIONS.set(group, actions);
  let cli = y;
  for (const a of actions) {
    const name = actionName(a);
    const rest = a.command.slice(name.length);
    cli = cli.command({
      command: [a.command, ...(a.aliases ?? []).map((x) => `${x}${rest}`), ...(a.isDefault ? [`$0${rest}`] : [])],
      describe: a.describe,
      builder: (sub: Argv<GlobalArgs>) => {
        const b = a.builder ? a.builder(sub) : sub;
        return a.examples?.length ? b.epilog(examplesText(a.examples)) : b;
      },
      handler: (argv) => run({ ...argv, action: name } as A),
    });
  }
  if (!actions.some((a) => a.isDefault)) {
    // no action, or one that does not exist: say which there are (and which one was probably meant)
    const names = actions.map(actionName);
    cli = cli.command({
      command: '$0',
      describe: false,
      // not strict, and --version is just a word here: a mistyped action is reported as such, whatever follows
      builder: (sub: Argv<GlobalArgs>) => sub.strict(false).version(false),
      handler: (argv) => {
        const words = argv._.map(String);
        const given = words[words.indexOf(group) + 1];
        const list = names.join(', ');
        // `vault build --version`: Vault's version, as for any command
        if (given === undefined && (argv as { version?: unknown }).version === true)
          return void process.stdout.write(`${VERSION}\n`);
        if (given === undefined)
          throw new UsageError(`name what 'vault ${group}' should do: ${list}`, `see 'vault ${group} --help'`);
        const near = didYouMean(given, names);
        throw new UsageError(
          `'vault ${group}' has no action '${given}' (it has ${list})`,
          near ?? `see 'vault ${group} --help'`,
        );
      },
    });
  }
  // `vault build --help` lists the actions (yargs) and every action's examples
  const all = actions.flatMap((a) => a.examples ?? []);
  if (all.length) cli = cli.epilog(examplesText(all));
  return cli as unknown as Argv<A>;
}

/** The handler of a command whose actions do the work: reached only when yargs found no action. */
export function noAction(group: string): () => never {
  return () => {
    throw new UsageError(`name what 'vault ${group}' should do`, `see 'vault ${group} --help'`);
  };
}
