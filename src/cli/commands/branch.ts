import type { CommandModule } from 'yargs';
import { createBranch, deleteBranch, listBranches } from '../../porcelain/branch.js';
import { shortId } from '../../ui/format.js';
import { examplesText } from '../examples.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  name?: string;
  start?: string;
  delete?: boolean;
  D?: boolean;
  force?: boolean;
  remotes?: boolean;
  all?: boolean;
}

export const branchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'branch [name] [start]',
  describe: 'list branches, or start one at a snapshot (HEAD stays where it is)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'the new branch' })
      .positional('start', { type: 'string', describe: 'where it starts (default HEAD)' })
      .option('delete', {
        alias: 'd',
        type: 'boolean',
        describe: 'delete the branch (refused when its work is in no other branch)',
      })
      .option('D', { type: 'boolean', describe: 'delete the branch even so' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'move an existing branch to START' })
      .option('remotes', {
        alias: 'r',
        type: 'boolean',
        describe: "list the remotes' branches as last fetched (origin/NAME: usable wherever a snapshot is named)",
      })
      .option('all', { alias: 'a', type: 'boolean', describe: "list this vault's branches and the remotes'" })
      .epilog(
        examplesText([
          ['vault branch lighting', 'start a line of work; then: vault switch lighting'],
          ['vault branch -d lighting', 'remove a merged branch'],
          ['vault branch -r', "the remotes' branches; 'vault switch NAME' makes one here"],
        ]),
      ),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      if (!argv.name) {
        const l = await listBranches({ vault });
        if (argv.json) return printJson(l);
        if (!argv.remotes) {
          if (l.current && !l.branches.some((b) => b.current)) out(`* ${l.current}  (no snapshot yet)`);
          for (const b of l.branches) out(`${b.current ? '*' : ' '} ${b.name}  ${shortId(b.id)}`);
        }
        if (argv.remotes || argv.all) for (const b of l.remotes) out(`  ${b.name}  ${shortId(b.id)}`);
        return;
      }
      if (argv.delete || argv.D) {
        const b = await deleteBranch({ vault, name: argv.name, force: argv.D });
        if (argv.json) return printJson(b);
        return out(`deleted branch ${b.name} (was ${shortId(b.id)})`);
      }
      const b = await createBranch({ vault, name: argv.name, start: argv.start, force: argv.force });
      if (argv.json) return printJson(b);
      out(`branch ${b.name} at ${shortId(b.id)}`);
    });
  },
};
