import type { CommandModule } from 'yargs';
import {
  createMilestone,
  deleteMilestone,
  listMilestones,
  MILESTONE_TYPES,
  type MilestoneType,
} from '../../personas/game/milestones.js';
import { shortId, time } from '../../ui/format.js';
import { UsageError } from '../../errors.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { noAction, withActions } from '../subcommands.js';

interface Args extends GlobalArgs {
  action: 'create' | 'list' | 'delete';
  name?: string;
  snapshot?: string;
  type?: MilestoneType;
  message?: string;
  force?: boolean;
}

const typeOption = (describe: string) => ({ alias: 't', choices: MILESTONE_TYPES, describe });

export const milestoneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'milestone',
  describe: 'mark, list or delete milestones (alpha, beta, release...): protected names for snapshots',
  builder: (y) =>
    withActions<Args>(
      y,
      'milestone',
      [
        {
          command: 'create [name] [snapshot]',
          describe: 'mark a snapshot as a milestone: a protected name that retention never removes',
          builder: (s) =>
            s
              .positional('name', { type: 'string', describe: 'the milestone name, e.g. beta-2' })
              .positional('snapshot', { type: 'string', describe: 'the snapshot to mark (default HEAD)' })
              .option('type', typeOption('kind of milestone (default development)'))
              .option('message', { alias: 'm', type: 'string', describe: 'why this point matters' }),
          examples: [['vault milestone create beta-2 --type beta -m "sent to testers"', 'mark HEAD as a beta']],
        },
        {
          command: 'list',
          describe: 'every milestone, oldest first, with the snapshot it marks',
          builder: (s) => s.option('type', typeOption('only milestones of this kind')),
          examples: [
            ['vault milestone list --type release', 'every release'],
            ['vault log --milestones', 'the history, milestones only'],
          ],
        },
        {
          command: 'delete [name]',
          describe: 'remove a milestone (they are protected: needs --force)',
          builder: (s) =>
            s
              .positional('name', { type: 'string', describe: 'the milestone name' })
              .option('force', { alias: 'f', type: 'boolean', describe: 'milestones are protected: really delete' }),
        },
      ],
      run,
    ),
  handler: noAction('milestone'),
};

async function run(argv: Args): Promise<void> {
  await withVault(argv, async (vault) => {
    if (argv.action === 'list') {
      const ms = await listMilestones({ vault, type: argv.type });
      if (argv.json) return printJson(ms);
      if (!ms.length) return out('no milestones yet');
      for (const m of ms)
        out(
          `${m.name.padEnd(20)} ${m.type.padEnd(17)} ${shortId(m.snapshot)} ` +
            ` ${time(m.time)}  ${m.message.split('\n')[0]}`,
        );
      return;
    }
    if (!argv.name)
      throw new UsageError(
        `milestone ${argv.action} needs a NAME`,
        argv.action === 'create'
          ? 'e.g. vault milestone create beta-2 --type beta -m "sent to testers"'
          : "e.g. vault milestone delete beta-2 --force; 'vault milestone list' shows the names",
      );
    if (argv.action === 'create') {
      const m = await createMilestone({
        vault,
        name: argv.name,
        type: argv.type,
        message: argv.message,
        snapshot: argv.snapshot,
      });
      if (argv.json) return printJson(m);
      if (!argv.quiet) out(`milestone ${m.name} (${m.type}) marks ${shortId(m.snapshot)}`);
      return;
    }
    await deleteMilestone({ vault, name: argv.name, force: argv.force });
    if (argv.json) printJson({ deleted: argv.name });
    else if (!argv.quiet) out(`deleted milestone ${argv.name}`);
  });
}
