import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { initVault } from '../../porcelain/openVault.js';
import { cwdOf, nodeFs, out, printJson, vaultDirOf, type GlobalArgs } from '../context.js';
import { withSettings } from './persona.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  dir?: string;
  persona?: string;
  with?: string | string[];
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
        describe:
          'creative: thumbnails and asset references at commit; game: builds, bundles, ' +
          "platforms (and, in a Godot or Unity project, a .vaultignore for the engine's caches)",
      })
      .option('with', {
        type: 'string',
        describe: 'also what another persona keeps: --persona game --with creative keeps thumbnails of changed art',
      })
      .epilog(
        examplesText([
          ['vault init', 'make the current folder a vault project'],
          ['vault init --persona creative', 'a painting/3D project: thumbnails on the timeline'],
          ['vault init --persona game --with creative', 'a game: builds and feedback, and thumbnails of its art'],
        ]),
      ),
  handler: async (argv) => {
    const dir = argv.dir ? resolve(cwdOf(argv), argv.dir) : cwdOf(argv);
    const persona = argv.persona && argv.persona !== 'none' ? { persona: argv.persona } : {};
    const extra = { ...persona, ...withSettings(([] as string[]).concat(argv.with ?? [])) };
    const r = await initVault({ fs: nodeFs, dir, vaultDir: vaultDirOf(argv), extra });
    const ignores =
      argv.persona === 'game'
        ? await (await import('../../personas/game/engineIgnores.js')).setupEngineIgnores(nodeFs, dir)
        : null;
    const lockable =
      argv.persona === 'creative' || argv.persona === 'game'
        ? await (await import('../../personas/lockable.js')).setupLockable(nodeFs, dir, argv.persona)
        : null;
    if (argv.json) return printJson({ ...r, ...(ignores ? { ignores } : {}), ...(lockable ? { lockable } : {}) });
    if (argv.quiet) return;
    out(`Initialized empty vault in ${r.vaultDir}`);
    if (ignores?.added.length)
      out(
        `${ignores.created ? 'wrote' : 'added to'} .vaultignore: ${ignores.added.join(' ')} ` +
          `(${ignores.engine === 'godot' ? "Godot's" : "Unity's"} generated files; edit .vaultignore to keep them)`,
      );
    if (lockable?.added.length)
      out(
        `${lockable.created ? 'wrote' : 'added to'} .vaultlockable: ${lockable.added.join(' ')} ` +
          `(files one person edits at a time; see 'vault lock --help')`,
      );
  },
};
