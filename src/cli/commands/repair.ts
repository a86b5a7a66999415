import type { CommandModule } from 'yargs';
import { repair } from '../../porcelain/repair.js';
import { bytes, plural, shortId } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  readData?: boolean;
  lockWait?: number;
}

export const repairCommand: CommandModule<GlobalArgs, Args> = {
  command: 'repair',
  describe: 'rebuild missing or damaged pack indexes, set aside corrupt objects, and report exactly what was lost',
  builder: (y) =>
    y
      .option('read-data', { type: 'boolean', describe: 'verify all content afterwards (slower, complete report)' })
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          default: 0,
          describe: 'seconds to wait if another command holds the vault',
        }),
      )
      .epilog(
        examplesText([['vault repair --read-data', 'repair, then re-hash everything and list damaged snapshots']]),
      ),
  handler: async (argv) => {
    const r = await withVault(argv, (vault) => repair({ vault, readData: argv.readData, lockWait: argv.lockWait }));
    if (argv.json) printJson(r);
    else {
      for (const p of r.packs) {
        out(
          `re-indexed ${p.name}: ${p.reason}; ${p.objects} object(s) ` +
            `recovered${p.badBytes ? `, ${bytes(p.badBytes)} unreadable` : ''}`,
        );
        for (const id of p.lostIds) out(`  lost: ${id}`);
      }
      for (const x of r.indexesWithoutPack) {
        out(`index ${x.name}.idx has no pack: moved to .vault/lost/ (${x.lostIds.length} object(s))`);
      }
      for (const id of r.looseQuarantined) out(`corrupt loose object moved to .vault/lost/: ${id}`);
      if (r.lost.length) out(`${plural(r.lost.length, 'object')} lost`);
      else if (!argv.quiet) out('no objects lost');
      if (r.statCacheReset && !argv.quiet)
        out('the next commit re-reads every file and stores again whatever the folder still has');
      for (const p of r.problems) {
        out(`${p.kind}: ${p.id}: ${p.message}`);
        if (p.snapshots.length) out(`  damages snapshot(s): ${p.snapshots.map(shortId).join(', ')}`);
        if (p.paths.length) out(`  paths: ${p.paths.join(', ')}`);
      }
      if (r.problems.length) out(`${plural(r.problems.length, 'problem')} remain`);
      else if (!argv.quiet) out('the vault verifies');
    }
    if (r.problems.length) process.exitCode = 1;
  },
};
