import type { CommandModule } from 'yargs';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { isObjectId } from '../../objects/hashObject.js';
import { revParse } from '../../refs/revParse.js';
import { flattenTree, readTree } from '../../plumbing/trees.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  object: string;
  recursive?: boolean;
}

export const lsTreeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'ls-tree <object>',
  describe: 'plumbing: list a tree (by tree id, or a snapshot name for its root tree)',
  builder: (y) =>
    y
      .positional('object', { type: 'string', demandOption: true })
      .option('recursive', { alias: 'r', type: 'boolean', describe: 'descend into sub-trees' })
      .epilog(examplesText([['vault ls-tree -r HEAD', 'every entry of the last snapshot']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      let id = isObjectId(argv.object) ? argv.object : await revParse({ ...vault.refs, db: vault.db }, argv.object);
      if ((await vault.db.typeOf(id)) === 'snapshot')
        id = decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id).tree;
      const entries = argv.recursive
        ? [...(await flattenTree(vault.db, id)).values()]
        : (await readTree(vault.db, id)).entries.map((e) => ({ path: e.name, ...e }));
      if (argv.json) return printJson(entries);
      for (const e of entries)
        out(`${e.kind.padEnd(7)} ${e.obj.padEnd(9)} ${e.id} ${String(e.size).padStart(12)}\t${e.path}`);
    });
  },
};
