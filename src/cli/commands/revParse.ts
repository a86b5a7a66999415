import type { CommandModule } from 'yargs';
import { revParse } from '../../refs/revParse.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  revs: string[];
}

export const revParseCommand: CommandModule<GlobalArgs, Args> = {
  command: 'rev-parse <revs..>',
  describe: 'plumbing: print the full id of each snapshot name (id prefix, ref, HEAD~N)',
  builder: (y) =>
    y
      .positional('revs', { type: 'string', array: true, demandOption: true })
      .example('$0 rev-parse HEAD~1', 'the parent of the last snapshot'),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const ids: string[] = [];
      for (const r of argv.revs) ids.push(await revParse({ ...vault.refs, db: vault.db }, r));
      if (argv.json) printJson(ids);
      else for (const id of ids) out(id);
    });
  },
};
