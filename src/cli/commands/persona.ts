import type { CommandModule } from 'yargs';
import { checkPersona, personaOf, setConfigExtra } from '../../porcelain/settings.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  name?: string;
}

export const personaCommand: CommandModule<GlobalArgs, Args> = {
  command: 'persona [name]',
  describe: "show or set the vault's persona (creative, game, none)",
  builder: (y) =>
    y.positional('name', { type: 'string', describe: 'creative | game | none' }).epilog(
      examplesText([
        ['vault persona', 'which persona this vault uses'],
        ['vault persona creative', 'thumbnails and asset references from the next commit on'],
      ]),
    ),
  handler: async (argv) => {
    const persona = await withVault(argv, async (vault) => {
      if (argv.name === undefined) return personaOf(vault);
      const p = checkPersona(argv.name);
      await setConfigExtra(vault, { persona: p === 'none' ? undefined : p });
      return p;
    });
    if (argv.json) printJson({ persona });
    else if (argv.name === undefined) out(persona);
    else if (!argv.quiet) out(`persona set to ${persona}`);
  },
};
