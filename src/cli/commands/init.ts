import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { initVault } from '../../porcelain/openVault.js';
import { cwdOf, nodeFs, out, printJson, vaultDirOf, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  dir?: string;
  persona?: string;
}

export const initCommand: CommandModule<GlobalArgs, Args> = {
  command: 'init [dir]',
  describe: 'create an empty vault in the project folder (default: here)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'project folder' })
      .option('persona', {
        type: 'string',
        choices: ['creative', 'game', 'none'],
        describe: 'creative: thumbnails and asset references at commit; game: builds, bundles, platforms',
      })
      .epilog(
        examplesText([
          ['vault init', 'make the current folder a vault project'],
          ['vault init --persona creative', 'a painting/3D project: thumbnails on the timeline'],
        ]),
      ),
  handler: async (argv) => {
    const dir = argv.dir ? resolve(cwdOf(argv), argv.dir) : cwdOf(argv);
    const persona = argv.persona && argv.persona !== 'none' ? { persona: argv.persona } : {};
    const r = await initVault({ fs: nodeFs, dir, vaultDir: vaultDirOf(argv), extra: persona });
    if (argv.json) printJson(r);
    else if (!argv.quiet) out(`Initialized empty vault in ${r.vaultDir}`);
  },
};
