import type { CommandModule } from 'yargs';
import { status } from '../../porcelain/status.js';
import { bytes, shortId } from '../../ui/format.js';
import { out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'show files added, modified, deleted and renamed since the last snapshot',
  builder: (y) => y.epilog(examplesText([['vault status', 'what would the next commit record?']])),
  handler: async (argv) => {
    const r = await withVault(argv, (vault) => status({ vault, onSkip: (p, why) => warn(`warning: ${p}: ${why}`) }));
    if (argv.json) {
      const { worktree: _w, ...rest } = r;
      return printJson(rest);
    }
    out(r.head ? `on snapshot ${shortId(r.head)}` : 'no snapshots yet');
    if (r.clean) return out('nothing to commit, working folder clean');
    for (const c of r.renamed) out(`R  ${c.from} -> ${c.path}`);
    for (const c of r.added) out(`A  ${c.path}  (${bytes(c.newSize ?? 0)})`);
    for (const c of r.modified) out(`M  ${c.path}  (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
    for (const c of r.deleted) out(`D  ${c.path}`);
  },
};
