import type { CommandModule } from 'yargs';
import { resolve as resolvePath } from 'node:path';
import { PathOutsideError, UsageError } from '../../errors.js';
import { resolve, type ResolveResult } from '../../porcelain/merge/resolve.js';
import { quotePath } from '../../ui/format.js';
import { examplesText } from '../examples.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  paths: string[];
  ours?: boolean;
  theirs?: boolean;
  both?: boolean;
}

export const resolveCommand: CommandModule<GlobalArgs, Args> = {
  command: 'resolve <paths..>',
  describe: 'settle a merge conflict: keep ours, theirs, both, or the file as you edited it',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'conflicted paths' })
      .option('ours', { type: 'boolean', describe: 'keep our version (theirs is removed)' })
      .option('theirs', { type: 'boolean', describe: 'take their version (ours is replaced)' })
      .option('both', { type: 'boolean', describe: 'keep ours in place and theirs beside it as NAME~theirs.EXT' })
      .conflicts('ours', ['theirs', 'both'])
      .conflicts('theirs', 'both')
      .epilog(
        examplesText([
          ['vault resolve Art/hero.psd --theirs', 'take their painting'],
          ['vault resolve Docs/notes.md', 'after editing the conflict markers away'],
        ]),
      ),
  handler: async (argv) => {
    const side = (['ours', 'theirs', 'both'] as const).find((s) => argv[s]);
    const cwd = cwdOf(argv);
    const results: ResolveResult[] = await withVault(argv, async (vault) => {
      const rel = (p: string) => {
        const abs = resolvePath(cwd, p);
        if (abs.startsWith(`${vault.workTree}/`)) return abs.slice(vault.workTree.length + 1);
        throw new PathOutsideError(p, vault.workTree);
      };
      const done: ResolveResult[] = [];
      for (const p of argv.paths) done.push(await resolve({ vault, path: rel(p), side }));
      return done;
    });
    if (!argv.paths.length) throw new UsageError('name the conflicted path(s) to resolve');
    const failed = results.some((r) => r.notDone.length);
    if (failed) process.exitCode = 1;
    if (argv.json) return printJson(results);
    for (const r of results) {
      for (const n of r.notDone) warn(`error: not written: ${quotePath(n.path)}: ${n.reason}`);
      const c = r.conflict;
      if (!c.resolved) out(`not resolved: ${quotePath(c.path)} (see the errors above)`);
      else
        out(
          `resolved ${quotePath(c.path)}: ` +
            `${c.resolved}${c.theirsCopy && c.resolved === 'both' ? ` (theirs in ${quotePath(c.theirsCopy)})` : ''}`,
        );
      if (r.markersLeft) warn(`warning: ${quotePath(c.path)} still holds conflict markers (<<<<<<<, =======, >>>>>>>)`);
    }
  },
};
