import type { CommandModule } from 'yargs';
import { switchBranch } from '../../porcelain/switchBranch.js';
import { quotePath, shortId } from '../../ui/format.js';
import { progressBar } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { out, printJson, warn, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  name: string;
  create?: boolean;
  start?: string;
}

export const switchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'switch <name> [start]',
  describe: 'check out a branch: the folder becomes its latest snapshot (uncommitted changes it does not touch stay)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the branch' })
      .positional('start', { type: 'string', describe: 'with -c: where the new branch starts (default HEAD)' })
      .option('create', { alias: 'c', type: 'boolean', describe: 'create the branch first' })
      .epilog(
        examplesText([
          ['vault switch -c lighting', 'start a branch here and work on it'],
          ['vault switch main', 'back to the main line'],
        ]),
      ),
  handler: async (argv) => {
    const bar = progressBar('switching');
    const r = await withVault(argv, (vault) =>
      switchBranch({ vault, name: argv.name, create: argv.create, start: argv.start, onProgress: bar.onProgress }),
    ).finally(bar.done);
    if (r.notDone.length) process.exitCode = 1;
    if (argv.json) return printJson(r);
    for (const n of r.notDone) warn(`error: not written: ${quotePath(n.path)}: ${n.reason}`);
    if (r.tracking) out(`branch ${r.branch} made from ${r.tracking}`);
    out(
      `on branch ${r.branch}${r.to ? ` (${shortId(r.to)})` : ' (no snapshot yet)'}: ` +
        `${r.written} written, ${r.removed} removed`,
    );
  },
};
