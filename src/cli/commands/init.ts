import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { initVault } from '../../porcelain/openVault.js';
import { cwdOf, nodeFs, out, printJson, vaultDirOf, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  dir?: string;
}

export const initCommand: CommandModule<GlobalArgs, Args> = {
  command: 'init [dir]',
  describe: 'create an empty vault in the project folder (default: here)',
  builder: (y) =>
    y.positional('dir', { type: 'string', describe: 'project folder' }).example('$0 init', 'make the current folder a vault project'),
  handler: async (argv) => {
    const dir = argv.dir ? resolve(cwdOf(argv), argv.dir) : cwdOf(argv);
    const r = await initVault({ fs: nodeFs, dir, vaultDir: vaultDirOf(argv) });
    if (argv.json) printJson(r);
    else out(`Initialized empty vault in ${r.vaultDir}`);
  },
};
