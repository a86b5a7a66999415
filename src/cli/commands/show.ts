import type { CommandModule } from 'yargs';
import { diff } from '../../porcelain/diff.js';
import { refNames } from '../../porcelain/log.js';
import { readSnapshot } from '../../porcelain/readSnapshot.js';
import { bytes, time } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  snapshot?: string;
}

export const showCommand: CommandModule<GlobalArgs, Args> = {
  command: 'show [snapshot]',
  describe: 'show one snapshot: who, when, message, and what it changed',
  builder: (y) =>
    y
      .positional('snapshot', { type: 'string', describe: 'default HEAD' })
      .epilog(examplesText([['vault show HEAD~1', 'the snapshot before the last']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const s = await readSnapshot(vault, argv.snapshot ?? 'HEAD');
      const refs = (await refNames(vault)).get(s.id) ?? [];
      // a first snapshot is compared with itself: no changes
      const [parent = s.id] = s.parents;
      const d = await diff({ vault, a: { kind: 'snapshot', rev: parent }, b: { kind: 'snapshot', rev: s.id } });
      if (argv.json) return printJson({ ...s, refs, changes: s.parents.length ? d : null });
      out(`snapshot ${s.id}${refs.length ? ` (${refs.join(', ')})` : ''}`);
      out(`author:  ${s.author}`);
      out(`date:    ${time(s.time)}`);
      if (s.parents.length) out(`parent:  ${s.parents.join(' ')}`);
      out(`tree:    ${s.tree}`);
      if (s.attachments) out(`attachments: ${s.attachments}`);
      for (const [k, v] of Object.entries(s.meta)) out(`${k}: ${v}`);
      out();
      for (const line of s.message.split('\n')) out(`    ${line}`);
      if (!s.parents.length) return;
      out();
      for (const c of d.renamed) out(`renamed   ${c.from} -> ${c.path}`);
      for (const c of d.added) out(`added     ${c.path}  (${bytes(c.newSize ?? 0)})`);
      for (const c of d.modified) out(`modified  ${c.path}  (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
      for (const c of d.deleted) out(`deleted   ${c.path}`);
    });
  },
};
