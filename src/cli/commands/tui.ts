import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { personaOf } from '../../porcelain/settings.js';
import { withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  persona?: 'creative' | 'game';
}

export const tuiCommand: CommandModule<GlobalArgs, Args> = {
  command: 'tui',
  describe: 'browse the history interactively: timeline, diffs, restore a file, mark a milestone',
  builder: (y) =>
    y
      .option('persona', {
        choices: ['creative', 'game'] as const,
        describe: "panels for this kind of project (default: the vault's persona, see vault persona)",
      })
      .epilog(
        examplesText([
          ['vault tui', 'open the timeline; ? lists the keys'],
          ['vault tui --persona creative', 'with thumbnails of changed images beside the snapshots'],
        ]),
      ),
  handler: async (argv) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY)
      throw new UsageError('vault tui needs a terminal', "use 'vault log' and 'vault diff' in scripts");
    // Ink renders only a final frame when CI / CONTINUOUS_INTEGRATION is set (is-in-ci, read when ink
    // loads). Someone running `vault tui` in a real terminal wants it interactive, CI variable or not.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    // loaded here, not at the top, so no other command loads the TUI; run.js itself is small (it draws
    // the first frame as soon as the vault is open, then loads Ink and React): see src/tui/README.md
    const tui = import('../../tui/run.js');
    tui.catch(() => {}); // reported by the await below
    await withVault(argv, async (vault) => {
      const { runTui } = await tui;
      const configured = personaOf(vault);
      await runTui({ vault, persona: argv.persona ?? (configured === 'none' ? undefined : configured) });
    });
  },
};
