import yargs from 'yargs';
import { VaultError } from '../errors.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

/** Print an error the way a person can act on it; --json prints the error object. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof VaultError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
    process.stderr.write(`vault: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return err.code === 'EUSAGE' ? 2 : 1;
  }
  const e = err as Error;
  process.stderr.write(`vault: internal error (please report it): ${e?.stack ?? String(err)}\n`);
  return 70;
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes('--json');
  // `vault log | head`: the reader went away; stop quietly like git does
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
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
  for (const c of commands) cli = cli.command(c);
  try {
    await cli.parseAsync();
  } catch (err) {
    process.exitCode = reportError(err, json);
  }
}
