import type { CommandModule } from 'yargs';
import { log } from '../../porcelain/log.js';
import { shortId, time } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  rev?: string;
  max?: number;
  milestones?: boolean;
}

export const logCommand: CommandModule<GlobalArgs, Args> = {
  command: 'log [rev]',
  describe: 'list snapshots, newest first, with milestone and tag names',
  builder: (y) =>
    y
      .positional('rev', { type: 'string', describe: 'start here (default HEAD)' })
      .option('max', numberOption('max', 'count', { alias: 'n', describe: 'show at most this many' }))
      .option('milestones', { type: 'boolean', describe: 'only snapshots marked as milestones' })
      .epilog(examplesText([['vault log -n 5', 'the last five snapshots']])),
  handler: async (argv) => {
    const entries = await withVault(argv, (vault) =>
      log({ vault, from: argv.rev, limit: argv.max, milestonesOnly: argv.milestones }),
    );
    if (argv.json) return printJson(entries);
    if (!entries.length) return out('no snapshots yet');
    for (const e of entries) {
      const refs = e.refs.length ? ` (${e.refs.join(', ')})` : '';
      out(`${shortId(e.id)}  ${time(e.time)}  ${e.message.split('\n')[0]}${refs}`);
    }
  },
};
