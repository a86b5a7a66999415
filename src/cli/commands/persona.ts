import type { CommandModule } from 'yargs';
import { checkPersona, personaOf, personasWith, setConfigExtra, withSettings } from '../../porcelain/settings.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

export { withSettings };

interface Args extends GlobalArgs {
  name?: string;
  with?: string | string[];
}

export const personaCommand: CommandModule<GlobalArgs, Args> = {
  command: 'persona [name]',
  describe: "show or set the vault's persona (creative, game, none), and what it keeps of other personas (--with)",
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'creative | game | none' })
      .option('with', {
        type: 'string',
        describe: 'also keep what another persona keeps at commit (creative: thumbnails; none: nothing more)',
      })
      .epilog(
        examplesText([
          ['vault persona', 'which persona this vault uses'],
          ['vault persona creative', 'thumbnails and asset references from the next commit on'],
          ['vault persona game --with creative', 'a game vault that also keeps thumbnails of changed art'],
        ]),
      ),
  handler: async (argv) => {
    const also = ([] as string[]).concat(argv.with ?? []);
    const r = await withVault(argv, async (vault) => {
      if (argv.name !== undefined || also.length) {
        const p = argv.name === undefined ? personaOf(vault) : checkPersona(argv.name);
        await setConfigExtra(vault, { persona: p === 'none' ? undefined : p, ...withSettings(also) });
      }
      return { persona: personaOf(vault), with: personasWith(vault) };
    });
    if (argv.json) return printJson(r.with.length ? r : { persona: r.persona });
    const shown = `${r.persona}${r.with.length ? ` (with ${r.with.join(', ')})` : ''}`;
    if (argv.name === undefined && !also.length) out(shown);
    else if (!argv.quiet) out(`persona set to ${shown}`);
  },
};
