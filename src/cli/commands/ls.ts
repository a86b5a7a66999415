import type { CommandModule } from 'yargs';
import { ls } from '../../porcelain/ls.js';
import { quotePath } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  snapshot?: string;
  path?: string;
}

const KIND = { file: '-rw', exec: '-rx', symlink: 'l  ', dir: 'd  ' } as const;

export const lsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'ls [snapshot] [path]',
  describe: 'list the files in a snapshot (recursively under PATH)',
  builder: (y) =>
    y
      .positional('snapshot', { type: 'string', describe: 'default HEAD' })
      .positional('path', { type: 'string', describe: 'a folder or file in the snapshot' })
      .epilog(examplesText([['vault ls HEAD Art', 'everything under Art/ in the last snapshot']])),
  handler: async (argv) => {
    const r = await withVault(argv, (vault) => ls({ vault, rev: argv.snapshot ?? 'HEAD', path: argv.path }));
    if (argv.json) return printJson(r);
    for (const e of r.entries)
      out(`${KIND[e.kind]} ${String(e.size).padStart(12)}  ${quotePath(e.path)}${e.kind === 'dir' ? '/' : ''}`);
  },
};
