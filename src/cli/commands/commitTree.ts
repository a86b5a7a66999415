import type { CommandModule } from 'yargs';
import { encodeSnapshot } from '../../objects/snapshot.js';
import { revParse } from '../../refs/revParse.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  tree: string;
  parent?: string[];
  message: string;
  meta?: string[];
}

export const commitTreeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'commit-tree <tree>',
  describe: 'plumbing: make a snapshot object from a tree id; prints its id (moves no ref)',
  builder: (y) =>
    y
      .positional('tree', { type: 'string', demandOption: true })
      .option('parent', { alias: 'p', type: 'string', array: true, describe: 'parent snapshot(s)' })
      .option('message', { alias: 'm', type: 'string', demandOption: true })
      .option('meta', { type: 'string', array: true, describe: 'KEY=VALUE metadata' })
      .epilog(
        examplesText([
          ['vault commit-tree $(vault write-tree) -p HEAD -m "by hand"', 'then: vault update-ref refs/heads/main ID'],
        ]),
      ),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      await vault.db.readTyped(argv.tree, 'tree');
      const parents: string[] = [];
      for (const p of argv.parent ?? []) parents.push(await revParse({ ...vault.refs, db: vault.db }, p));
      const meta: Record<string, string> = {};
      for (const kv of argv.meta ?? []) {
        const i = kv.indexOf('=');
        if (i > 0) meta[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const body = encodeSnapshot({
        tree: argv.tree,
        parents,
        author: vault.author,
        time: vault.clock(),
        message: argv.message,
        meta,
      });
      const id = await vault.db.writeLoose('snapshot', body);
      if (argv.json) printJson({ id });
      else out(id);
    });
  },
};
