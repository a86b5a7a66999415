import type { CommandModule } from 'yargs';
import { revParse } from '../../refs/revParse.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  revs: string[];
  peel?: boolean;
}

export const revParseCommand: CommandModule<GlobalArgs, Args> = {
  command: 'rev-parse <revs..>',
  describe: 'plumbing: print the full id of each snapshot name (id prefix, ref, HEAD~N)',
  builder: (y) =>
    y
      .positional('revs', { type: 'string', array: true, demandOption: true })
      .option('peel', {
        type: 'boolean',
        default: true,
        describe:
          "a milestone's name means the snapshot it marks; --no-peel: the annotation snapshot its ref points at",
      })
      .epilog(
        examplesText([
          ['vault rev-parse HEAD~1', 'the parent of the last snapshot'],
          ['vault rev-parse --no-peel alpha', 'the annotation snapshot of milestone alpha (who marked it, when, why)'],
        ]),
      ),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const ids: string[] = [];
      for (const r of argv.revs) ids.push(await revParse({ ...vault.refs, db: vault.db, peel: argv.peel }, r));
      if (argv.json) printJson(ids);
      else for (const id of ids) out(id);
    });
  },
};
