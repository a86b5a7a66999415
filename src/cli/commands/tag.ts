import type { CommandModule } from 'yargs';
import { listRefs, readRef, updateRef } from '../../refs/refs.js';
import { revParse } from '../../refs/revParse.js';
import { shortId } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { VaultError } from '../../errors.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  name?: string;
  snapshot?: string;
  delete?: boolean;
  force?: boolean;
}

export const tagCommand: CommandModule<GlobalArgs, Args> = {
  command: 'tag [name] [snapshot]',
  describe: 'name a snapshot (refs/tags/NAME); with no name, list tags',
  builder: (y) =>
    y
      .positional('name', { type: 'string' })
      .positional('snapshot', { type: 'string', describe: 'default HEAD' })
      .option('delete', { alias: 'd', type: 'boolean', describe: 'remove the tag' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'move an existing tag' })
      .epilog(examplesText([['vault tag sent-to-client', 'name the current snapshot']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      if (!argv.name) {
        const tags = await listRefs(vault.refs, 'refs/tags/');
        if (argv.json) return printJson(Object.fromEntries([...tags].map(([r, id]) => [r.slice(10), id])));
        for (const [r, id] of tags) out(`${r.slice(10)}  ${shortId(id)}`);
        return;
      }
      const ref = `refs/tags/${argv.name}`;
      const old = await readRef(vault.refs, ref);
      if (argv.delete) {
        if (!old) throw new VaultError('ENOREF', `no tag named ${argv.name}`, { ref });
        await updateRef({
          ...vault.refs,
          ref,
          value: null,
          expected: old,
          message: 'tag: delete',
          author: vault.author,
          time: vault.clock(),
        });
        if (argv.json) return printJson({ deleted: ref });
        if (!argv.quiet) out(`deleted tag ${argv.name}`);
        return;
      }
      if (old && !argv.force)
        throw new VaultError(
          'EEXIST',
          `tag ${argv.name} already exists (at ${shortId(old)})`,
          { ref },
          'pass --force to move it',
        );
      const id = await revParse({ ...vault.refs, db: vault.db }, argv.snapshot ?? 'HEAD');
      await vault.db.readTyped(id, 'snapshot');
      await updateRef({
        ...vault.refs,
        ref,
        value: id,
        expected: old,
        message: `tag: ${argv.name}`,
        author: vault.author,
        time: vault.clock(),
      });
      if (argv.json) return printJson({ ref, id });
      if (!argv.quiet) out(`tagged ${shortId(id)} as ${argv.name}`);
    });
  },
};
