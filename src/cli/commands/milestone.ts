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

interface Args extends GlobalArgs {
  action: 'create' | 'list' | 'delete';
  name?: string;
  snapshot?: string;
  type?: MilestoneType;
  message?: string;
  force?: boolean;
}

export const milestoneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'milestone <action> [name] [snapshot]',
  describe: 'mark, list or delete milestones (alpha, beta, release...): protected names for snapshots',
  builder: (y) =>
    y
      .positional('action', { choices: ['create', 'list', 'delete'] as const, demandOption: true })
      .positional('name', { type: 'string', describe: 'milestone name (create, delete)' })
      .positional('snapshot', { type: 'string', describe: 'snapshot to mark (default HEAD)' })
      .option('type', {
        alias: 't',
        choices: MILESTONE_TYPES,
        describe: 'kind of milestone (create: default development; list: filter)',
      })
      .option('message', { alias: 'm', type: 'string', describe: 'why this point matters' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'delete: milestones are protected' })
      .example('$0 milestone create beta-2 --type beta -m "sent to testers"', 'mark HEAD as a beta')
      .example('$0 milestone list --type release', 'every release')
      .example('$0 log --milestones', 'the history, milestones only'),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      if (argv.action === 'list') {
        const ms = await listMilestones({ vault, type: argv.type });
        if (argv.json) return printJson(ms);
        if (!ms.length) return out('no milestones yet');
        for (const m of ms)
          out(
            `${m.name.padEnd(20)} ${m.type.padEnd(17)} ${shortId(m.snapshot)}  ${time(m.time)}  ${m.message.split('\n')[0]}`,
          );
        return;
      }
      if (!argv.name) throw new UsageError(`milestone ${argv.action} needs a NAME`);
      if (argv.action === 'create') {
        const m = await createMilestone({
          vault,
          name: argv.name,
          type: argv.type,
          message: argv.message,
          snapshot: argv.snapshot,
        });
        return argv.json ? printJson(m) : out(`milestone ${m.name} (${m.type}) marks ${shortId(m.snapshot)}`);
      }
      await deleteMilestone({ vault, name: argv.name, force: argv.force });
      if (argv.json) printJson({ deleted: argv.name });
      else out(`deleted milestone ${argv.name}`);
    });
  },
};
