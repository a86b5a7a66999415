import type { CommandModule } from 'yargs';
import { diff, textPatch, type DiffSide } from '../../porcelain/diff.js';
import { bytes } from '../format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  a?: string;
  b?: string;
  stat?: boolean;
  path?: string[];
}

export const diffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff [a] [b]',
  describe: 'compare two snapshots, or a snapshot with the working folder',
  builder: (y) =>
    y
      .positional('a', { type: 'string', describe: 'old side (default HEAD)' })
      .positional('b', { type: 'string', describe: 'new side (default: the working folder)' })
      .option('stat', { type: 'boolean', describe: 'only the list of changed files, no text diff' })
      .option('path', { type: 'string', array: true, describe: 'only these files or folders' })
      .example('$0 diff', 'what changed since the last snapshot')
      .example('$0 diff HEAD~1 HEAD', 'what the last snapshot changed'),
  handler: async (argv) => {
    const a: DiffSide = { kind: 'snapshot', rev: argv.a ?? 'HEAD' };
    const b: DiffSide = argv.b ? { kind: 'snapshot', rev: argv.b } : { kind: 'worktree' };
    await withVault(argv, async (vault) => {
      const d = await diff({ vault, a, b, paths: argv.path });
      const patches = new Map<string, string | null>();
      if (!argv.stat) for (const c of [...d.modified, ...d.added, ...d.deleted]) patches.set(c.path, await textPatch(vault, c, d));
      if (argv.json) return printJson({ ...d, patches: Object.fromEntries(patches) });
      const total = d.added.length + d.modified.length + d.deleted.length + d.renamed.length;
      if (!total) return out('no differences');
      for (const c of d.renamed) out(`renamed   ${c.from} -> ${c.path}`);
      for (const c of d.added) out(`added     ${c.path}  (${bytes(c.newSize ?? 0)})`);
      for (const c of d.modified) out(`modified  ${c.path}  (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
      for (const c of d.deleted) out(`deleted   ${c.path}  (${bytes(c.oldSize ?? 0)})`);
      for (const [path, p] of patches) {
        if (p) {
          out();
          process.stdout.write(p.replace(/^={10,}\n/m, ''));
        } else if (!argv.stat) {
          const c = [...d.modified, ...d.added, ...d.deleted].find((x) => x.path === path)!;
          out(`\nBinary or large file ${path} differs (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
        }
      }
    });
  },
};
