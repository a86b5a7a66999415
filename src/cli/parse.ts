/**
 * yargs for one command: the global options, the command's own module, help, strict checks, and the
 * failure handler that turns yargs' complaints into usage errors (EUSAGE, exit 2).
 */
import yargs from 'yargs';
import { UsageError } from '../errors.js';
import type { AnyCommand } from './commands/registry.js';
import { helpWidth } from './examples.js';
import { takeOptionError } from './options.js';
import { VERSION } from './version.js';

export async function parseCommand(args: string[], command: AnyCommand): Promise<void> {
  const cli = yargs(args)
    .scriptName('vault')
    // values stay text: numeric options are checked by options.ts (yargs would read 0x10 as 16, 1e3 as 1000)
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .option('C', { type: 'string', describe: 'run as if vault was started in this folder', global: true })
    .option('vault-dir', {
      type: 'string',
      describe: 'the storage folder (default: .vault in the project; env VAULT_DIR)',
      global: true,
    })
    .option('json', { type: 'boolean', describe: 'print results (and errors) as JSON', global: true })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      describe: 'no progress or summary lines (data, warnings, errors still print)',
      global: true,
    })
    .version('version', "show Vault's version", VERSION)
    .help('help', 'show help')
    .alias('h', 'help')
    .strict()
    .demandCommand(1, "name a command; see 'vault --help'")
    .wrap(helpWidth())
    .fail((msg, err) => {
      const hint = "see 'vault --help' or 'vault <command> --help'";
      // yargs' own errors (YError) are about the command line; anything else came from a handler
      if (err) throw takeOptionError() ?? (err.name === 'YError' ? new UsageError(err.message, hint) : err);
      throw new UsageError(msg, hint);
    })
    .command(command);
  try {
    await cli.parseAsync();
  } catch (err) {
    // what a coerce function threw comes back wrapped by yargs: use the original
    throw takeOptionError() ?? err;
  }
}
