import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { restore } from '../../porcelain/restore.js';
import { PathOutsideError } from '../../errors.js';
import { bytes, shortId } from '../format.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { progressBar, progressWanted } from '../progress.js';

interface Args extends GlobalArgs {
  snapshot: string;
  paths?: string[];
  to?: string;
  force?: boolean;
}

export const restoreCommand: CommandModule<GlobalArgs, Args> = {
  command: 'restore <snapshot> [paths..]',
  describe: 'put files back as they were in a snapshot',
  builder: (y) =>
    y
      .positional('snapshot', { type: 'string', demandOption: true, describe: 'id, id prefix, ref, milestone or HEAD~N' })
      .positional('paths', { type: 'string', array: true, describe: 'only these files or folders (project-relative)' })
      .option('to', { type: 'string', describe: 'restore into this folder instead of the project folder' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'overwrite uncommitted changes in the project folder' })
      .example('$0 restore HEAD~2 Art/hero.psd', 'bring back an older version of one file')
      .example('$0 restore alpha --to /tmp/alpha', 'check out the alpha milestone somewhere else'),
  handler: async (argv) => {
    const bar = progressBar('restoring', progressWanted(argv));
    const cwd = cwdOf(argv);
    const r = await withVault(argv, (vault) => {
      // paths are given relative to where the command runs
      const rel = (p: string) => {
        const abs = resolve(cwd, p);
        if (abs === vault.workTree) return '';
        if (abs.startsWith(`${vault.workTree}/`)) return abs.slice(vault.workTree.length + 1);
        throw new PathOutsideError(p, vault.workTree);
      };
      return restore({
        vault,
        snapshot: argv.snapshot,
        paths: (argv.paths ?? []).map(rel),
        to: argv.to ? resolve(cwd, argv.to) : undefined,
        force: argv.force,
        onProgress: bar.onProgress,
        onSkip: (path, reason) => warn(`warning: not restored: ${path}: ${reason}`),
      });
    }).finally(bar.done);
    if (argv.json) return printJson(r);
    out(`restored ${r.files - r.unchanged} file(s) from ${shortId(r.snapshot)} into ${r.target}${r.unchanged ? `; ${r.unchanged} already identical` : ''} (${bytes(r.bytes)} in all)`);
    if (r.skipped.length) {
      out(`${r.skipped.length} entr${r.skipped.length === 1 ? 'y' : 'ies'} not restored (see warnings)`);
      process.exitCode = 1;
    }
  },
};
