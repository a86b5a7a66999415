import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { readRef, updateRef } from '../../refs/refs.js';
import { revParse } from '../../refs/revParse.js';
import { withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  ref: string;
  newValue?: string;
  oldValue?: string;
  delete?: boolean;
  message?: string;
}

export const updateRefCommand: CommandModule<GlobalArgs, Args> = {
  command: 'update-ref <ref> [new-value] [old-value]',
  describe: 'plumbing: point a ref at a snapshot, atomically; with OLD, only if it still points there',
  builder: (y) =>
    y
      .positional('ref', {
        type: 'string',
        demandOption: true,
        describe: 'refs/heads/X, refs/milestones/X, refs/tags/X or HEAD',
      })
      .positional('new-value', { type: 'string' })
      .positional('old-value', { type: 'string', describe: 'compare-and-swap: expected current value' })
      .option('delete', { alias: 'd', type: 'boolean', describe: 'delete the ref' })
      .option('message', { alias: 'm', type: 'string', default: 'update-ref' })
      .epilog(examplesText([['vault update-ref refs/heads/main 3f2a...', 'move main']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const ctx = { ...vault.refs, db: vault.db };
      let value: string | null = null;
      if (!argv.delete) {
        if (!argv.newValue) throw new UsageError('name the new value, or pass -d to delete');
        value = await revParse(ctx, argv.newValue);
        await vault.db.readTyped(value, 'snapshot');
      }
      // the value the ref must still have: the one given, or (to delete) the one it has now
      let expected: string | null | undefined;
      if (argv.oldValue !== undefined) expected = await revParse(ctx, argv.oldValue);
      else if (argv.delete) expected = await readRef(vault.refs, argv.ref);
      await updateRef({
        ...vault.refs,
        ref: argv.ref,
        value,
        expected,
        message: argv.message ?? 'update-ref',
        author: vault.author,
        time: vault.clock(),
      });
    });
  },
};
