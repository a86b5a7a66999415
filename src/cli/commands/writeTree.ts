import type { CommandModule } from 'yargs';
import { hashWorktree } from '../../porcelain/hashWorktree.js';
import { acquireLock } from '../../plumbing/lock.js';
import { writeTrees } from '../../plumbing/trees.js';
import { quotePath } from '../../ui/format.js';
import { EXIT_INCOMPLETE, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

export const writeTreeCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'write-tree',
  describe: 'plumbing: store the working folder as a tree, print its id (no snapshot, no ref)',
  builder: (y) => y.epilog(examplesText([['vault write-tree', 'then: vault commit-tree ID -m msg']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const release = await acquireLock({ fs: vault.fs, path: vault.db.paths.lock, command: 'write-tree' });
      try {
        let incomplete = false;
        const h = await hashWorktree({
          vault,
          store: true,
          onSkip: (p, why, kind) => {
            if (kind !== 'nested-vault') incomplete = true;
            warn(`warning: left out ${quotePath(p)}: ${why}`);
          },
        });
        const id = await writeTrees(h.entries, h.writer);
        if (incomplete) process.exitCode = EXIT_INCOMPLETE;
        await h.writer!.flush();
        if (argv.json) printJson({ id });
        else out(id);
      } finally {
        await release();
      }
    });
  },
};
