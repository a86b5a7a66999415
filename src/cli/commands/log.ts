import type { CommandModule } from 'yargs';
import { log, type LogEntry } from '../../porcelain/log.js';
import { shortId, time } from '../../ui/format.js';
import { logGraph } from '../../ui/logGraph.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  rev?: string;
  max?: number;
  milestones?: boolean;
  graph?: boolean;
  firstParent?: boolean;
}

/** One snapshot's line: a merge is marked with its parents. */
function line(e: LogEntry, firstParent?: boolean): string {
  const refs = e.refs.length ? ` (${e.refs.join(', ')})` : '';
  const merge = e.parents.length > 1 && !firstParent ? `merge ${e.parents.map((p) => p.slice(0, 7)).join(' ')}: ` : '';
  return `${shortId(e.id)}  ${time(e.time)}  ${merge}${e.message.split('\n')[0]}${refs}`;
}

export const logCommand: CommandModule<GlobalArgs, Args> = {
  command: 'log [rev]',
  describe: 'list snapshots, newest first (both sides of merges), with branch, milestone and tag names',
  builder: (y) =>
    y
      .positional('rev', { type: 'string', describe: 'start here (default HEAD)' })
      .option('max', numberOption('max', 'count', { alias: 'n', describe: 'show at most this many' }))
      .option('milestones', { type: 'boolean', describe: 'only snapshots marked as milestones' })
      .option('graph', { type: 'boolean', describe: 'draw the lines of history (branches and merges) on the left' })
      .option('first-parent', {
        type: 'boolean',
        describe: "only the branch's own line: a merge is one snapshot, the merged side's snapshots are left out",
      })
      .epilog(
        examplesText([
          ['vault log -n 5', 'the last five snapshots'],
          ['vault log --graph', 'branches and merges drawn'],
        ]),
      ),
  handler: async (argv) => {
    const entries = await withVault(argv, (vault) =>
      log({
        vault,
        from: argv.rev,
        limit: argv.max,
        milestonesOnly: argv.milestones,
        firstParent: argv.firstParent,
        order: argv.graph ? 'topo' : 'date',
      }),
    );
    if (argv.json) return printJson(entries);
    if (!entries.length) return out('no snapshots yet');
    if (!argv.graph || argv.milestones) {
      for (const e of entries) out(line(e, argv.firstParent));
      return;
    }
    const rows = logGraph(entries, { firstParent: argv.firstParent });
    entries.forEach((e, i) => {
      const r = rows[i]!;
      for (const l of r.before) out(l);
      out(`${r.row}  ${line(e, argv.firstParent)}`);
      for (const l of r.after) out(l);
    });
  },
};
